// GrowthBook assignment hashing against GrowthBook's shared SDK test cases
// (/work/shared/vectors/growthbook-cases.json, sections hash, getBucketRange, chooseVariation,
// getEqualWeights, inNamespace). Like GrowthBook's own SDK tests, doubles are compared after
// rounding both sides to a fixed number of decimals: 4 for hashes (version 1 has 3 decimals,
// version 2 has 4, so this is exact), 6 for bucket ranges, 8 for equal weights (the file lists
// 1/3 as 0.33333333).
#include "core/experiments/growthbook_hash.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace agentsim {
namespace {

using ::nlohmann::json;

constexpr int kHashDecimals = 4;
constexpr int kRangeDecimals = 6;
constexpr int kWeightDecimals = 8;

const json& Cases() {
  static const json cases = [] {
    std::ifstream in(AGENTSIM_SHARED_DIR "/vectors/growthbook-cases.json");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return json::parse(buffer.str());
  }();
  return cases;
}

const json& Section(const char* name) {
  const json& section = Cases().at(name);
  EXPECT_TRUE(section.is_array()) << name;
  EXPECT_FALSE(section.empty()) << name;
  return section;
}

double RoundTo(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

std::vector<std::pair<double, double>> RangesFromJson(const json& list) {
  std::vector<std::pair<double, double>> ranges;
  for (const json& r : list) ranges.emplace_back(r.at(0).get<double>(), r.at(1).get<double>());
  return ranges;
}

TEST(GrowthBookHashTest, CasesFileHasEverySection) {
  ASSERT_TRUE(Cases().is_object());
  for (const char* name :
       {"hash", "getBucketRange", "chooseVariation", "getEqualWeights", "inNamespace"}) {
    ASSERT_TRUE(Cases().contains(name)) << name;
    EXPECT_FALSE(Cases().at(name).empty()) << name;
  }
}

// Each entry: [seed, value, version, expected-or-null].
TEST(GrowthBookHashTest, MatchesEveryHashCase) {
  int checked = 0;
  for (const json& c : Section("hash")) {
    const std::string seed = c.at(0);
    const std::string value = c.at(1);
    const int version = c.at(2);
    const std::string name =
        "hash(\"" + seed + "\", \"" + value + "\", " + std::to_string(version) + ")";
    SCOPED_TRACE(name);
    const std::optional<double> actual = GrowthBookHash(seed, value, version);
    if (c.at(3).is_null()) {
      EXPECT_FALSE(actual.has_value()) << name << " = " << actual.value_or(-1);
    } else {
      ASSERT_TRUE(actual.has_value()) << name;
      EXPECT_EQ(RoundTo(*actual, kHashDecimals), RoundTo(c.at(3).get<double>(), kHashDecimals))
          << name << ": got " << *actual << ", want " << c.at(3);
      EXPECT_GE(*actual, 0.0) << name;
      EXPECT_LT(*actual, 1.0) << name;
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(Cases().at("hash").size()));
}

// Each entry: [name, [numVariations, coverage, weights-or-null], expected ranges].
TEST(GrowthBookHashTest, MatchesEveryBucketRangeCase) {
  for (const json& c : Section("getBucketRange")) {
    const std::string name = c.at(0);
    SCOPED_TRACE(name);
    const json& args = c.at(1);
    std::optional<std::vector<double>> weights;
    if (!args.at(2).is_null()) weights = args.at(2).get<std::vector<double>>();
    const std::vector<std::pair<double, double>> actual =
        GetBucketRanges(args.at(0).get<int>(), args.at(1).get<double>(), weights);
    const std::vector<std::pair<double, double>> expected = RangesFromJson(c.at(2));
    ASSERT_EQ(actual.size(), expected.size()) << name;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(RoundTo(actual[i].first, kRangeDecimals),
                RoundTo(expected[i].first, kRangeDecimals))
          << name << ": range " << i << " start " << actual[i].first;
      EXPECT_EQ(RoundTo(actual[i].second, kRangeDecimals),
                RoundTo(expected[i].second, kRangeDecimals))
          << name << ": range " << i << " end " << actual[i].second;
    }
  }
}

// Each entry: [name, n, ranges, expected index].
TEST(GrowthBookHashTest, MatchesEveryChooseVariationCase) {
  for (const json& c : Section("chooseVariation")) {
    const std::string name = c.at(0);
    SCOPED_TRACE(name);
    EXPECT_EQ(ChooseVariation(c.at(1).get<double>(), RangesFromJson(c.at(2))), c.at(3).get<int>())
        << name;
  }
}

// Each entry: [n, expected weights].
TEST(GrowthBookHashTest, MatchesEveryEqualWeightsCase) {
  for (const json& c : Section("getEqualWeights")) {
    const int n = c.at(0);
    const std::string name = "getEqualWeights(" + std::to_string(n) + ")";
    SCOPED_TRACE(name);
    const std::vector<double> actual = GetEqualWeights(n);
    const std::vector<double> expected = c.at(1).get<std::vector<double>>();
    ASSERT_EQ(actual.size(), expected.size()) << name;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(RoundTo(actual[i], kWeightDecimals), RoundTo(expected[i], kWeightDecimals))
          << name << ": weight " << i << " = " << actual[i];
    }
  }
}

// Each entry: [name, hash value, [namespace id, start, end], expected].
TEST(GrowthBookHashTest, MatchesEveryInNamespaceCase) {
  for (const json& c : Section("inNamespace")) {
    const std::string name = c.at(0);
    SCOPED_TRACE(name);
    const json& ns = c.at(2);
    EXPECT_EQ(InNamespace(c.at(1).get<std::string>(), ns.at(0).get<std::string>(),
                          ns.at(1).get<double>(), ns.at(2).get<double>()),
              c.at(3).get<bool>())
        << name;
  }
}

TEST(GrowthBookHashTest, InNamespaceIncludesStartAndExcludesEnd) {
  // The namespace hash is GrowthBook's version 1 hash seeded with "__" + namespace id.
  const double n = *GrowthBookHash("__namespace1", "user-7", 1);
  EXPECT_TRUE(InNamespace("user-7", "namespace1", n, n + 0.1));
  EXPECT_FALSE(InNamespace("user-7", "namespace1", n - 0.1, n));
  EXPECT_TRUE(InNamespace("user-7", "namespace1", 0, 1));
  EXPECT_FALSE(InNamespace("user-7", "namespace1", 0.5, 0.5));
}

TEST(GrowthBookHashTest, Fnv1a32KnownAnswers) {
  EXPECT_EQ(Fnv1a32(""), 0x811c9dc5u);
  EXPECT_EQ(Fnv1a32("a"), 0xe40c292cu);
  EXPECT_EQ(Fnv1a32("foobar"), 0xbf9cf968u);  // From the FNV reference test suite.
}

TEST(GrowthBookHashTest, IsDeterministicWithoutProcessSalt) {
  // The same inputs give the same bits on every call; the values are fixed constants, so they are
  // also the same in every process (unlike Python's salted hash()).
  for (int version : {1, 2}) {
    for (const char* user : {"1", "user-42", "interview-agent"}) {
      const std::optional<double> first =
          GrowthBookHash("interview_temperature_test", user, version);
      ASSERT_TRUE(first.has_value());
      for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(GrowthBookHash("interview_temperature_test", user, version), first);
      }
    }
  }
  EXPECT_EQ(GrowthBookHash("seed", "a", 2), std::optional<double>(0.0505));
  EXPECT_EQ(GrowthBookHash("", "a", 1), std::optional<double>(0.22));
}

TEST(GrowthBookHashTest, ReducedCoverageNeverMovesAUserToAnotherVariation) {
  const std::vector<std::pair<double, double>> full = GetBucketRanges(3, 1.0, std::nullopt);
  const std::vector<std::pair<double, double>> part = GetBucketRanges(3, 0.3, std::nullopt);
  for (int u = 0; u < 200; ++u) {
    const double n = *GrowthBookHash("exp", "user-" + std::to_string(u), 2);
    const int in_part = ChooseVariation(n, part);
    if (in_part != -1) {
      EXPECT_EQ(in_part, ChooseVariation(n, full)) << "user-" << u;
    }
  }
}

}  // namespace
}  // namespace agentsim
