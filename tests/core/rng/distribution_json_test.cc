#include "core/rng/distribution_json.h"

#include <map>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

namespace agentsim {
namespace {

// Files the tests' reader knows, shown as "dir/<name>".
const std::map<std::string, std::string, std::less<>>& Files() {
  static const auto* files = new std::map<std::string, std::string, std::less<>>{
      {"think.json", "// seconds\n[100, 200.5, 300]"},
      {"think.txt", "# think times\n100\n\n  200.5\r\n300"},
      {"bad.txt", "1\nabc\n\n# c\n2,5\n3\n"},
      {"empty.txt", "# nothing\n\n"},
      {"bad.json", "[1, \"x\", null]"},
      {"negative.txt", "5\n-1\n"},
  };
  return *files;
}

DistributionReadOptions Options(double min_value = -std::numeric_limits<double>::infinity()) {
  DistributionReadOptions o;
  o.read_file = [](std::string_view path) -> Result<LoadedFile> {
    auto it = Files().find(path);
    if (it == Files().end()) return NotFound("no such file: dir/" + std::string(path));
    return LoadedFile{"dir/" + it->first, it->second};
  };
  o.min_value = min_value;
  return o;
}

Result<Distribution> Parse(const std::string& json, const DistributionReadOptions& options) {
  Result<JsonDocument> doc = JsonDocument::Parse("d.json", json);
  if (!doc) return std::unexpected(doc.error());
  return ParseDistribution(*doc, "", options);
}

struct GoodCase {
  std::string json;
  std::string description;  // Distribution::Describe()
};

void PrintTo(const GoodCase& c, std::ostream* os) { *os << c.json; }

class ReadDistributionTest : public ::testing::TestWithParam<GoodCase> {};

TEST_P(ReadDistributionTest, Parses) {
  Result<Distribution> d = Parse(GetParam().json, Options());
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->Describe(), GetParam().description);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ReadDistributionTest,
    ::testing::Values(
        GoodCase{R"({"type": "constant", "value": 3})", "constant(3)"},
        GoodCase{R"({"type": "uniform", "min": 100, "max": 400})", "uniform(min=100, max=400)"},
        GoodCase{R"({"type": "uniform", "min": 2, "max": 2})", "uniform(min=2, max=2)"},
        GoodCase{R"({"type": "truncated_normal", "mean": 800, "sd": 200, "min": 0, "max": 5000})",
                 "truncated_normal(mean=800, sd=200, min=0, max=5000)"},
        GoodCase{R"({"type": "truncated_normal", "mean": 800, "sd": 200})",
                 "truncated_normal(mean=800, sd=200)"},
        GoodCase{R"({"type": "lognormal", "median": 1200, "p95": 4000})",
                 "lognormal(median=1200, p95=4000)"},
        GoodCase{R"({"median": 1200, "p95": 4000})", "lognormal(median=1200, p95=4000)"},
        GoodCase{R"({"type": "lognormal", "mu": 7.1, "sigma": 0.7})",
                 "lognormal(mu=7.1, sigma=0.7)"},
        GoodCase{R"({"type": "exponential", "mean": 250})", "exponential(mean=250)"},
        GoodCase{R"({"type": "empirical", "path": "think.json"})",
                 "empirical(think.json, 3 samples)"},
        GoodCase{R"({"type": "empirical", "path": "think.txt"})", "empirical(think.txt, 3 samples)"},
        GoodCase{R"({"type": "mixture", "components": [
                   {"weight": 0.9, "distribution": {"type": "exponential", "mean": 100}},
                   {"weight": 0.1, "distribution": {"type": "mixture", "components": [
                     {"weight": 1, "distribution": {"median": 10, "p95": 20}}]}}]})",
                 "mixture(0.9: exponential(mean=100), 0.1: mixture(1: lognormal(median=10, "
                 "p95=20)))"}));

TEST(ReadDistributionTest, BareMedianP95SamplesAsTheTypedForm) {
  Result<Distribution> bare = Parse(R"({"median": 1200, "p95": 4000})", Options());
  Result<Distribution> typed = Parse(R"({"type": "lognormal", "median": 1200, "p95": 4000})", Options());
  ASSERT_TRUE(bare && typed);
  Rng a(3), b(3);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(bare->Sample(a), typed->Sample(b));
}

TEST(ReadDistributionTest, EmpiricalSamplesComeFromTheFile) {
  Result<Distribution> d = Parse(R"({"type": "empirical", "path": "think.txt"})", Options());
  ASSERT_TRUE(d.has_value());
  const auto& e = std::get<EmpiricalDistribution>(d->kind());
  EXPECT_EQ(*e.samples, (std::vector<double>{100, 200.5, 300}));
}

struct BadCase {
  std::string json;
  std::string message;
  double min_value = -std::numeric_limits<double>::infinity();
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.json; }

class ReadDistributionErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ReadDistributionErrorTest, ReportsEveryProblemWithLocation) {
  Result<Distribution> d = Parse(GetParam().json, Options(GetParam().min_value));
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(d.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ReadDistributionErrorTest,
    ::testing::Values(
        BadCase{R"([1])", "d.json:1:1: (root): expected an object, got an array"},
        BadCase{R"({"value": 3})",
                "d.json:1:1: (root): missing required key 'type' (one of \"constant\", "
                "\"uniform\", \"truncated_normal\", \"lognormal\", \"exponential\", "
                "\"empirical\", \"mixture\")"},
        BadCase{R"({"type": "constnt", "value": 3})",
                "d.json:1:10: /type: expected one of \"constant\" \"uniform\" "
                "\"truncated_normal\" \"lognormal\" \"exponential\" \"empirical\" \"mixture\", "
                "got string \"constnt\""},
        BadCase{R"({"type": "constant", "valeu": 3})",
                "d.json:1:31: /valeu: unknown key 'valeu' (did you mean 'value'?)\n"
                "d.json:1:1: (root): missing required key 'value' (a number)"},
        BadCase{R"({"median": 900, "p95": 100})",
                "d.json:1:24: /p95: expected p95 >= median (900.0)"},
        BadCase{R"({"median": 900, "p99": 1000})",
                "d.json:1:24: /p99: unknown key 'p99' (did you mean 'p95'?)\n"
                "d.json:1:1: (root): missing required key 'p95' (a number)"},
        BadCase{R"({"type": "lognormal", "median": 1, "sigma": 2})",
                "d.json:1:1: (root): give either median and p95, or mu and sigma, not both"},
        BadCase{R"({"type": "lognormal", "mu": 1, "sigma": 21})",
                "d.json:1:41: /sigma: expected a number from 0.0 to 20.0, got number 21"},
        BadCase{R"({"type": "uniform", "min": 5, "max": 1})",
                "d.json:1:38: /max: expected max >= min (5)"},
        BadCase{R"({"type": "truncated_normal", "mean": 5, "sd": 0})",
                "d.json:1:47: /sd: expected a number above 0 up to 1000000000000.0, got number 0"},
        BadCase{R"({"type": "truncated_normal", "mean": 5, "sd": 1, "min": 3, "max": 3})",
                "d.json:1:67: /max: expected max > min (3)"},
        BadCase{R"({"type": "exponential", "mean": "fast"})",
                "d.json:1:33: /mean: expected a number above 0 up to 1000000000000.0, got string "
                "\"fast\""},
        BadCase{R"({"type": "mixture", "components": []})",
                "d.json:1:35: /components: expected a non-empty array of {\"weight\": NUMBER, "
                "\"distribution\": {...}}, got an empty array"},
        BadCase{R"({"type": "mixture"})",
                "d.json:1:1: (root): missing required key 'components' (a non-empty array of "
                "{\"weight\": NUMBER, \"distribution\": {...}})"},
        BadCase{R"({"type": "mixture", "components": [{"weight": 0, "distribution": {"type": "constant"}}, {"wieght": 1}]})",
                "d.json:1:47: /components/0/weight: expected a number above 0 up to 1000000000000.0, got number 0\n"
                "d.json:1:66: /components/0/distribution: missing required key 'value' (a "
                "number)\n"
                "d.json:1:100: /components/1/wieght: unknown key 'wieght' (did you mean "
                "'weight'?)\n"
                "d.json:1:89: /components/1: missing required key 'weight' (a number)\n"
                "d.json:1:89: /components/1: missing required key 'distribution' (an object)"},
        BadCase{R"({"type": "empirical", "path": "nope.json"})",
                "d.json:1:31: /path: cannot read the samples: no such file: dir/nope.json"},
        BadCase{R"({"type": "empirical", "path": "bad.txt"})",
                "d.json:1:31: /path: dir/bad.txt:2: expected a number, got \"abc\"\n"
                "d.json:1:31: /path: dir/bad.txt:5: expected a number, got \"2,5\""},
        BadCase{R"({"type": "empirical", "path": "bad.json"})",
                "d.json:1:31: /path: dir/bad.json:1:5: /1: expected a finite number, got string "
                "\"x\"\n"
                "d.json:1:31: /path: dir/bad.json:1:10: /2: expected a finite number, got null"},
        BadCase{R"({"type": "empirical", "path": "empty.txt"})",
                "d.json:1:31: /path: dir/empty.txt: expected at least one sample"},
        // Limits: every possible value must be allowed; the offending leaf is named.
        BadCase{R"({"type": "truncated_normal", "mean": 5, "sd": 1})",
                "d.json:1:1: (root): expected values >= 0, but this truncated_normal has no "
                "lower bound (set \"min\")",
                0},
        // However small the sd: a normal is unbounded until "min" truncates it.
        BadCase{R"({"type": "truncated_normal", "mean": 5, "sd": 5e-324})",
                "d.json:1:1: (root): expected values >= 0, but this truncated_normal has no "
                "lower bound (set \"min\")",
                0},
        BadCase{R"({"type": "truncated_normal", "mean": 5, "sd": 5e-324, "min": -1})",
                "d.json:1:1: (root): expected values >= 0, but this truncated_normal can produce "
                "-1",
                0},
        BadCase{R"({"type": "mixture", "components": [{"weight": 1, "distribution": {"type": "constant", "value": -2}}]})",
                "d.json:1:66: /components/0/distribution: expected values >= 0, but this "
                "constant can produce -2",
                0},
        BadCase{R"({"type": "empirical", "path": "negative.txt"})",
                "d.json:1:31: /path: expected values >= 0, but this empirical can produce -1 (a "
                "sample in negative.txt)",
                0}));

// An upper limit: a bound reached, or none at all (no key to set for a lognormal).
TEST(ReadDistributionTest, UpperLimitNamesTheBoundOrItsAbsence) {
  Result<JsonDocument> doc = JsonDocument::Parse(
      "s.json", R"({"a": {"type": "lognormal", "median": 1, "p95": 2},
                    "b": {"type": "uniform", "min": 0, "max": 20},
                    "c": {"type": "truncated_normal", "mean": 1, "sd": 1, "min": 0}})");
  ASSERT_TRUE(doc.has_value());
  DistributionReadOptions options;
  options.max_value = 10;
  std::vector<std::string> errors;
  for (const char* key : {"/a", "/b", "/c"}) {
    EXPECT_FALSE(ReadDistribution(*doc, key, &errors, options).has_value());
  }
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "s.json:1:7: /a: expected values <= 10, but this lognormal has no upper "
                        "bound",
                        "s.json:2:26: /b: expected values <= 10, but this uniform can produce 20",
                        "s.json:3:26: /c: expected values <= 10, but this truncated_normal has no "
                        "upper bound (set \"max\")"}));
}

TEST(ReadDistributionTest, EmpiricalNeedsAFileReader) {
  Result<Distribution> d = Parse(R"({"type": "empirical", "path": "think.json"})", {});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().message,
            "d.json:1:31: /path: empirical distributions cannot be read here (no file reader)");
}

TEST(ReadDistributionTest, ReadsAtAPointerInsideALargerDocument) {
  Result<JsonDocument> doc = JsonDocument::Parse(
      "s.json", "{\"workload\": {\n  \"think_time_ms\": {\"type\": \"uniform\", \"min\": -1, \"max\": 1}}}");
  ASSERT_TRUE(doc.has_value());
  std::vector<std::string> errors;
  DistributionReadOptions options;
  options.min_value = 0;
  EXPECT_FALSE(ReadDistribution(*doc, "/workload/think_time_ms", &errors, options).has_value());
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "s.json:2:20: /workload/think_time_ms: expected values >= 0, but this "
                        "uniform can produce -1"}));
  errors.clear();
  EXPECT_FALSE(ReadDistribution(*doc, "/workload/session_ms", &errors).has_value());
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "s.json:1:14: /workload/session_ms: required object is missing"}));
}

struct SamplesCase {
  std::string text;
  std::vector<double> samples;
};

TEST(ParseEmpiricalSamplesTest, ReadsBothFormats) {
  const std::vector<SamplesCase> cases = {
      {"[1, 2.5, -3e2]", {1, 2.5, -300}},
      {"  \n[4]", {4}},
      {"\xEF\xBB\xBF[7]", {7}},
      {"1\n2.5\n-3e2\n", {1, 2.5, -300}},
      {"\xEF\xBB\xBF# header\n\t8 \r\n", {8}},
  };
  for (const SamplesCase& c : cases) {
    SCOPED_TRACE(c.text);
    Result<std::vector<double>> s = ParseEmpiricalSamples("f", c.text);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(*s, c.samples);
  }
}

TEST(ParseEmpiricalSamplesTest, CapsTheErrorList) {
  std::string text;
  for (int i = 0; i < 13; ++i) text += "x\n";
  Result<std::vector<double>> s = ParseEmpiricalSamples("f.txt", text);
  ASSERT_FALSE(s.has_value());
  std::string expected;
  for (int i = 1; i <= 10; ++i) expected += "f.txt:" + std::to_string(i) + ": expected a number, got \"x\"\n";
  EXPECT_EQ(s.error().message, expected + "... and 3 more");
}

TEST(ParseEmpiricalSamplesTest, RejectsNonArraysAndNonFiniteNumbers) {
  Result<std::vector<double>> s = ParseEmpiricalSamples("f.json", "[]");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message, "f.json: expected at least one sample");
  s = ParseEmpiricalSamples("f.txt", "inf\nnan\n1e999\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message,
            "f.txt:1: expected a number, got \"inf\"\n"
            "f.txt:2: expected a number, got \"nan\"\n"
            "f.txt:3: expected a number, got \"1e999\"");
  s = ParseEmpiricalSamples("f.txt", "1\n\x01\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message, "f.txt:2: expected a number, got \"<U+0001>\"");
}

}  // namespace
}  // namespace agentsim
