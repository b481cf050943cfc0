// SemVer 2.0.0 against the shared vectors (/work/shared/vectors/semver/semver-vectors.json).
//
// Policy (also in docs/configuration.md, "Versions (SemVer)"):
// - Parsing is strict: a string is a version exactly when it matches the official regex of the
//   SemVer 2.0.0 FAQ (`official_regex_numbered` in the vectors); every string in the file is
//   checked against that regex as an oracle.
// - node-semver's loose forms ("v1.2.3", "=1.2.3", " = 1.2.3", leading or trailing spaces) are
//   REFUSED: every node-semver case with strict_valid false must have at least one operand that
//   Parse refuses; only the strict_valid cases are used as comparison / equality checks.
// - node-semver's implementation limits (a 256-character maximum length, numbers up to
//   Number.MAX_SAFE_INTEGER) are not SemVer rules: those "invalid" inputs match the official
//   regex and are ACCEPTED here (numbers are kept as digit strings of any length).
#include "core/config/semver.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace agentsim {
namespace {

using ::nlohmann::json;

const json& Vectors() {
  static const json vectors = [] {
    std::ifstream in(AGENTSIM_SHARED_DIR "/vectors/semver/semver-vectors.json");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return json::parse(buffer.str());
  }();
  return vectors;
}

bool MatchesOfficialRegex(const std::string& text) {
  static const std::regex official(Vectors().at("official_regex_numbered").get<std::string>());
  return std::regex_match(text, official);
}

SemVer MustParse(const std::string& text) {
  Result<SemVer> v = SemVer::Parse(text);
  EXPECT_TRUE(v.has_value()) << text << ": " << v.error().message;
  return v.value_or(SemVer{});
}

// Identifiers as strings (node-semver lists numeric pre-release identifiers as numbers).
std::vector<std::string> Identifiers(const json& list) {
  std::vector<std::string> out;
  for (const json& id : list) out.push_back(id.is_string() ? id.get<std::string>() : id.dump());
  return out;
}

TEST(SemVerTest, VectorsFileIsLoaded) {
  ASSERT_TRUE(Vectors().is_object());
  EXPECT_EQ(Vectors().at("valid").size(), 31u);
  EXPECT_EQ(Vectors().at("invalid").size(), 40u);
}

TEST(SemVerTest, ParsesEveryValidVectorWithExactComponents) {
  for (const json& c : Vectors().at("valid")) {
    const std::string text = c.at("version");
    SCOPED_TRACE(text);
    Result<SemVer> v = SemVer::Parse(text);
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_EQ(v->major, c.at("major").get<std::string>());
    EXPECT_EQ(v->minor, c.at("minor").get<std::string>());
    EXPECT_EQ(v->patch, c.at("patch").get<std::string>());
    EXPECT_EQ(v->prerelease, Identifiers(c.at("prerelease")));
    EXPECT_EQ(v->build, Identifiers(c.at("build")));
    EXPECT_EQ(v->ToString(), text);
    EXPECT_EQ(SemVer::Diagnose(text), std::nullopt);
  }
}

TEST(SemVerTest, RefusesEveryInvalidVector) {
  for (const json& c : Vectors().at("invalid")) {
    const std::string text = c.get<std::string>();
    Result<SemVer> v = SemVer::Parse(text);
    ASSERT_FALSE(v.has_value()) << text;
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(SemVer::Diagnose(text).has_value()) << text;
  }
}

// Every string anywhere in the vectors: Parse accepts it exactly when the official regex does.
void CollectStrings(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_array()) {
    for (const json& v : value) CollectStrings(v, out);
  }
  if (value.is_object()) {
    for (const char* key : {"version", "a", "b", "greater", "lesser", "input"}) {
      if (value.contains(key)) CollectStrings(value.at(key), out);
    }
  }
}

TEST(SemVerTest, AgreesWithTheOfficialRegexOnEveryString) {
  std::vector<std::string> strings;
  for (const auto& [key, value] : Vectors().items()) {
    if (value.is_array()) CollectStrings(value, strings);
  }
  EXPECT_GT(strings.size(), 250u);
  for (const std::string& s : strings) {
    EXPECT_EQ(SemVer::Parse(s).has_value(), MatchesOfficialRegex(s)) << s;
  }
}

TEST(SemVerTest, PrecedenceChainsAreStrictlyAscendingForAllPairs) {
  for (const json& chain : Vectors().at("precedence_chains_ascending")) {
    std::vector<SemVer> versions;
    for (const json& s : chain) versions.push_back(MustParse(s.get<std::string>()));
    for (std::size_t i = 0; i < versions.size(); ++i) {
      EXPECT_EQ(CompareSemVer(versions[i], versions[i]), 0) << chain[i];
      for (std::size_t j = i + 1; j < versions.size(); ++j) {
        EXPECT_LT(CompareSemVer(versions[i], versions[j]), 0) << chain[i] << " < " << chain[j];
        EXPECT_GT(CompareSemVer(versions[j], versions[i]), 0) << chain[j] << " > " << chain[i];
      }
    }
  }
}

TEST(SemVerTest, BuildMetadataIsIgnoredForPrecedence) {
  for (const json& pair : Vectors().at("build_metadata_ignored_pairs_equal")) {
    EXPECT_EQ(CompareSemVer(MustParse(pair[0]), MustParse(pair[1])), 0) << pair.dump();
  }
}

// A loose (strict_valid false) node-semver case: at least one operand must be refused, and each
// operand is accepted exactly when the official regex accepts it.
void ExpectLooseRefused(const json& c, std::initializer_list<const char*> keys) {
  bool refused = false;
  for (const char* key : keys) {
    const std::string s = c.at(key);
    const bool parsed = SemVer::Parse(s).has_value();
    EXPECT_EQ(parsed, MatchesOfficialRegex(s)) << s;
    refused = refused || !parsed;
  }
  EXPECT_TRUE(refused) << c.dump();
}

TEST(SemVerTest, NodeSemverComparisonsStrictAreOrderedLooseAreRefused) {
  int strict = 0;
  for (const json& c : Vectors().at("node_semver_comparisons_greater_than")) {
    if (!c.at("strict_valid").get<bool>()) {
      ExpectLooseRefused(c, {"greater", "lesser"});
      continue;
    }
    ++strict;
    const SemVer greater = MustParse(c.at("greater"));
    const SemVer lesser = MustParse(c.at("lesser"));
    EXPECT_GT(CompareSemVer(greater, lesser), 0) << c.dump();
    EXPECT_LT(CompareSemVer(lesser, greater), 0) << c.dump();
  }
  EXPECT_EQ(strict, 19);
}

TEST(SemVerTest, NodeSemverEqualityStrictAreEqualLooseAreRefused) {
  int strict = 0;
  for (const json& c : Vectors().at("node_semver_equality")) {
    if (!c.at("strict_valid").get<bool>()) {
      ExpectLooseRefused(c, {"a", "b"});
      continue;
    }
    ++strict;
    EXPECT_EQ(CompareSemVer(MustParse(c.at("a")), MustParse(c.at("b"))), 0) << c.dump();
  }
  EXPECT_EQ(strict, 2);
}

TEST(SemVerTest, NodeSemverValidVersionsStrictParseLooseAreRefused) {
  for (const json& c : Vectors().at("node_semver_valid_versions")) {
    const std::string text = c.at("version");
    SCOPED_TRACE(text);
    if (!c.at("strict_valid").get<bool>()) {
      EXPECT_FALSE(SemVer::Parse(text).has_value());
      continue;
    }
    const SemVer v = MustParse(text);
    EXPECT_EQ(v.major, c.at("major").dump());
    EXPECT_EQ(v.minor, c.at("minor").dump());
    EXPECT_EQ(v.patch, c.at("patch").dump());
    EXPECT_EQ(v.prerelease, Identifiers(c.at("prerelease")));
    EXPECT_EQ(v.build, Identifiers(c.at("build")));
  }
}

TEST(SemVerTest, NodeSemverImplementationLimitsAreNotSpecRules) {
  for (const json& c : Vectors().at("node_semver_invalid_versions")) {
    const std::string text = c.at("input");
    const bool node_limit = c.at("reason").get<std::string>().starts_with("too ");
    EXPECT_EQ(SemVer::Parse(text).has_value(), node_limit) << text;
  }
  // The 255-digit major does not fit 64 bits; 90071992547409910 does.
  EXPECT_EQ(MustParse(std::string(255, '1') + ".0.0").MajorNumber(), std::nullopt);
  EXPECT_EQ(MustParse("90071992547409910.0.0").MajorNumber(), 90071992547409910u);
}

TEST(SemVerTest, MajorNumberFitsUpToUint64Max) {
  EXPECT_EQ(MustParse("0.1.2").MajorNumber(), 0u);
  EXPECT_EQ(MustParse("18446744073709551615.0.0").MajorNumber(),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(MustParse("18446744073709551616.0.0").MajorNumber(), std::nullopt);
  EXPECT_EQ(MustParse("99999999999999999999999.0.0").MajorNumber(), std::nullopt);
}

TEST(SemVerTest, ComparesNumbersBeyond64BitsNumerically) {
  EXPECT_GT(CompareSemVer(MustParse("99999999999999999999999.0.0"),
                          MustParse("18446744073709551615.0.0")),
            0);
  EXPECT_LT(CompareSemVer(MustParse("1.9.0"), MustParse("1.10.0")), 0);
  EXPECT_GT(CompareSemVer(MustParse("1.0.0-18446744073709551616"),
                          MustParse("1.0.0-18446744073709551615")),
            0);
  EXPECT_LT(CompareSemVer(MustParse("1.0.0-99999999999999999999"), MustParse("1.0.0-a")), 0);
}

struct ProblemCase {
  const char* text;
  const char* problem;
};

TEST(SemVerTest, SaysWhatIsWrong) {
  const ProblemCase cases[] = {
      {"", "empty string"},
      {"1", "missing minor"},
      {"1.2", "missing patch"},
      {"1.2.", "missing patch"},
      {"01.1.1", "leading zero in major"},
      {"1.01.1", "leading zero in minor"},
      {"1.1.01", "leading zero in patch"},
      {"1.2-SNAPSHOT", "expected '.' after minor, got '-'"},
      {"1.2.3.DEV", "expected '-', '+' or the end after patch, got '.'"},
      {"-1.0.3-gamma+b7718", "expected a digit at the start of major, got '-'"},
      {"1.x.3", "expected a digit at the start of minor, got 'x'"},
      {"1.2.3-", "empty pre-release identifier"},
      {"1.0.0-alpha..1", "empty pre-release identifier"},
      {"1.0.0-alpha.", "empty pre-release identifier"},
      {"1.2.3-0123", "leading zero in numeric pre-release identifier \"0123\""},
      {"1.0.0-alpha_beta", "invalid character '_' in pre-release identifier \"alpha\""},
      {"1.1.2+.123", "empty build identifier"},
      {"1.2.3+", "empty build identifier"},
      {"9.8.7+meta+meta", "invalid character '+' in build identifier \"meta\""},
      {"1.2.3-a\xC3\xA9", "invalid character byte 0xC3 in pre-release identifier \"a\""},
      {"v1.2.3", "prefix 'v' is not allowed: a node-semver loose form"},
      {"=1.2.3", "prefix '=' is not allowed: a node-semver loose form"},
      {" 1.2.3", "leading whitespace"},
      {"1.2.3 ", "trailing whitespace"},
  };
  for (const ProblemCase& c : cases) {
    EXPECT_EQ(SemVer::Diagnose(c.text), std::optional<std::string>(c.problem)) << c.text;
  }
}

TEST(SemVerTest, ParseErrorNamesTheTextAndTheProblem) {
  Result<SemVer> v = SemVer::Parse("1.02.3");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(v.error().message, "invalid SemVer 2.0.0 version \"1.02.3\": leading zero in minor");
}

TEST(SemVerTest, ToStringRoundTrips) {
  const SemVer v = MustParse("1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay");
  EXPECT_EQ(v.ToString(), "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay");
  EXPECT_EQ(SemVer{}.ToString(), "0.0.0");
}

}  // namespace
}  // namespace agentsim
