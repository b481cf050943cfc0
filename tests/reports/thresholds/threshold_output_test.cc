// The human thresholds block, JUnit XML and the summary export, as exact text.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "reports/thresholds/junit_xml.h"
#include "reports/thresholds/summary_export.h"
#include "reports/thresholds/threshold_format.h"

namespace agentsim {
namespace {

ThresholdResult MakeResult(std::string key, std::string metric, std::string expression,
                           std::string aggregation, std::optional<double> observed,
                           std::int64_t samples, bool passed) {
  ThresholdResult r;
  r.metric_key = std::move(key);
  r.metric = std::move(metric);
  r.expression = std::move(expression);
  r.aggregation = std::move(aggregation);
  r.observed = observed;
  r.samples = samples;
  r.passed = passed;
  return r;
}

std::vector<ThresholdResult> SampleResults() {
  return {
      MakeResult("time_to_first_audio_ms", "time_to_first_audio_ms", "p(95)<1500", "p(95)", 812.4,
                 2112, true),
      MakeResult("time_to_first_audio_ms", "time_to_first_audio_ms", "avg<500", "avg", 700.0, 2112,
                 false),
      MakeResult("turn_fallback{agent_id:a&b}", "turn_fallback", "rate<0.05", "rate", 0.0682, 1000,
                 false),
      MakeResult("cache_l3_hit", "cache_l3_hit", "rate>0.9", "rate", std::nullopt, 0, true),
      MakeResult("turns", "turns", "count>=10", "count", 2112.0, 2112, true),
      MakeResult("turns", "turns", "rate>1", "rate", 0.5, 2112, false),
  };
}

struct ObservedCase {
  ThresholdResult result;
  std::string text;
};
void PrintTo(const ObservedCase& c, std::ostream* os) { *os << c.text; }

class FormatObservedTest : public testing::TestWithParam<ObservedCase> {};

TEST_P(FormatObservedTest, UsesTheMetricsUnit) {
  EXPECT_EQ(FormatObserved(GetParam().result), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(All, FormatObservedTest,
                         testing::Values(ObservedCase{SampleResults()[0], "p(95)=812.40ms"},
                                         ObservedCase{SampleResults()[2], "rate=6.82%"},
                                         ObservedCase{SampleResults()[3], "rate=n/a (no samples)"},
                                         ObservedCase{SampleResults()[4], "count=2112"},
                                         ObservedCase{SampleResults()[5], "rate=0.50/s"},
                                         ObservedCase{MakeResult("x", "future_metric", "avg<1",
                                                                 "avg", 1.5, 1, true),
                                                      "avg=1.5"}));

TEST(ThresholdFormatTest, PrintsAK6LikeBlockGroupedByMetricKey) {
  EXPECT_EQ(FormatThresholds(SampleResults()),
            "thresholds           3 of 6 failed\n"
            "  time_to_first_audio_ms\n"
            "    \u2713 'p(95)<1500' p(95)=812.40ms\n"
            "    \u2717 'avg<500' avg=700.00ms\n"
            "  turn_fallback{agent_id:a&b}\n"
            "    \u2717 'rate<0.05' rate=6.82%\n"
            "  cache_l3_hit\n"
            "    \u2713 'rate>0.9' rate=n/a (no samples)\n"
            "  turns\n"
            "    \u2713 'count>=10' count=2112\n"
            "    \u2717 'rate>1' rate=0.50/s\n");
  std::vector<ThresholdResult> passing = {SampleResults()[0]};
  EXPECT_EQ(FormatThresholds(passing),
            "thresholds           all 1 passed\n"
            "  time_to_first_audio_ms\n"
            "    \u2713 'p(95)<1500' p(95)=812.40ms\n");
  EXPECT_EQ(FormatThresholds({}), "");
}

TEST(JUnitTest, OneTestcasePerThresholdAndAFailureWithTheObservedValue) {
  EXPECT_EQ(
      FormatJUnit("agentsim thresholds: default (seed 42)", SampleResults()),
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"agentsim\" tests=\"6\" failures=\"3\">\n"
      "  <testsuite name=\"agentsim thresholds: default (seed 42)\" tests=\"6\" failures=\"3\" "
      "errors=\"0\" skipped=\"0\">\n"
      "    <testcase classname=\"agentsim.thresholds\" name=\"time_to_first_audio_ms - "
      "p(95)&lt;1500\"/>\n"
      "    <testcase classname=\"agentsim.thresholds\" name=\"time_to_first_audio_ms - "
      "avg&lt;500\">\n"
      "      <failure type=\"threshold\" message=\"avg=700.00ms does not satisfy "
      "avg&lt;500\">time_to_first_audio_ms: avg=700.00ms over 2112 samples does not satisfy "
      "&apos;avg&lt;500&apos;</failure>\n"
      "    </testcase>\n"
      "    <testcase classname=\"agentsim.thresholds\" name=\"turn_fallback{agent_id:a&amp;b} - "
      "rate&lt;0.05\">\n"
      "      <failure type=\"threshold\" message=\"rate=6.82% does not satisfy "
      "rate&lt;0.05\">turn_fallback{agent_id:a&amp;b}: rate=6.82% over 1000 samples does not "
      "satisfy &apos;rate&lt;0.05&apos;</failure>\n"
      "    </testcase>\n"
      "    <testcase classname=\"agentsim.thresholds\" name=\"cache_l3_hit - rate&gt;0.9\"/>\n"
      "    <testcase classname=\"agentsim.thresholds\" name=\"turns - count&gt;=10\"/>\n"
      "    <testcase classname=\"agentsim.thresholds\" name=\"turns - rate&gt;1\">\n"
      "      <failure type=\"threshold\" message=\"rate=0.50/s does not satisfy "
      "rate&gt;1\">turns: rate=0.50/s over 2112 samples does not satisfy "
      "&apos;rate&gt;1&apos;</failure>\n"
      "    </testcase>\n"
      "  </testsuite>\n"
      "</testsuites>\n");
}

TEST(JUnitTest, EmptyResultsGiveAnEmptySuite) {
  EXPECT_EQ(FormatJUnit("s", {}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"agentsim\" tests=\"0\" failures=\"0\">\n"
            "  <testsuite name=\"s\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

struct EscapeCase {
  std::string name;
  std::string in;
  std::string out;
};
void PrintTo(const EscapeCase& c, std::ostream* os) { *os << c.name; }

class XmlEscapeTest : public testing::TestWithParam<EscapeCase> {};

TEST_P(XmlEscapeTest, KeepsTheDocumentWellFormed) {
  EXPECT_EQ(XmlEscape(GetParam().in), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    All, XmlEscapeTest,
    testing::Values(EscapeCase{"Plain", "rate<0.05 & p(95)>1", "rate&lt;0.05 &amp; p(95)&gt;1"},
                    EscapeCase{"Quotes", "a\"b'c", "a&quot;b&apos;c"},
                    EscapeCase{"Whitespace", "a\tb\nc\rd", "a&#9;b&#10;c&#13;d"},
                    EscapeCase{"ControlCharacter",
                               std::string("a\x01"
                                           "b\x1b",
                                           4),
                               "a\xEF\xBF\xBD"
                               "b\xEF\xBF\xBD"},
                    EscapeCase{"Nul", std::string("a\0b", 3),
                               "a\xEF\xBF\xBD"
                               "b"},
                    EscapeCase{"Utf8Kept", "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80",
                               "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80"},
                    EscapeCase{"InvalidUtf8",
                               "a\xFF"
                               "b\xC3",
                               "a\xEF\xBF\xBD"
                               "b\xEF\xBF\xBD"},
                    EscapeCase{"Overlong", "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},
                    EscapeCase{"Surrogate", "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
                    EscapeCase{"NonCharacterFFFE", "\xEF\xBF\xBE", "\xEF\xBF\xBD"}),
    [](const testing::TestParamInfo<EscapeCase>& p) { return p.param.name; });

TEST(SummaryExportTest, HasK6sSummaryShape) {
  static const MetricDefinition kTrend{
      "time_to_first_audio_ms", MetricType::kTrend, MetricSource::kTurn, "t.x", "ms", ""};
  static const MetricDefinition kRate{
      "turn_fallback", MetricType::kRate, MetricSource::kTurn, "1", "", ""};
  static const MetricDefinition kCounter{
      "turns", MetricType::kCounter, MetricSource::kTurn, "1", "", ""};
  ThresholdEvaluation e;
  e.virtual_duration_us = 7'985'120'000;
  MetricSummary ttfa{.key = "time_to_first_audio_ms", .metric = &kTrend, .samples = 4};
  ttfa.avg = 700, ttfa.min = 400, ttfa.med = 700, ttfa.max = 1000, ttfa.p90 = 970, ttfa.p95 = 985;
  MetricSummary fallback{.key = "turn_fallback{agent_id:a}", .metric = &kRate, .samples = 5};
  fallback.passes = 2, fallback.fails = 3, fallback.rate = 0.4;
  MetricSummary turns{.key = "turns", .metric = &kCounter, .samples = 5};
  turns.count = 5, turns.rate = 0.25;
  e.metrics = {ttfa, fallback, turns};
  e.results = {
      MakeResult("time_to_first_audio_ms", "time_to_first_audio_ms", "p(95)<1500", "p(95)", 985, 4,
                 true),
      MakeResult("turn_fallback{agent_id:a}", "turn_fallback", "rate<0.05", "rate", 0.4, 5, false),
      MakeResult("turn_fallback{agent_id:a}", "turn_fallback", "rate<0.05", "rate", 0.4, 5, true)};
  const std::string expected = R"json({
    "metrics": {
        "time_to_first_audio_ms": {
            "contains": "time",
            "thresholds": {
                "p(95)<1500": {
                    "ok": true
                }
            },
            "type": "trend",
            "values": {
                "avg": 700.0,
                "max": 1000.0,
                "med": 700.0,
                "min": 400.0,
                "p(90)": 970.0,
                "p(95)": 985.0
            }
        },
        "turn_fallback{agent_id:a}": {
            "contains": "default",
            "thresholds": {
                "rate<0.05": {
                    "ok": false
                }
            },
            "type": "rate",
            "values": {
                "fails": 3,
                "passes": 2,
                "rate": 0.4
            }
        },
        "turns": {
            "contains": "default",
            "type": "counter",
            "values": {
                "count": 5,
                "rate": 0.25
            }
        }
    },
    "options": {
        "summaryTimeUnit": "",
        "summaryTrendStats": [
            "avg",
            "min",
            "med",
            "max",
            "p(90)",
            "p(95)"
        ]
    },
    "root_group": {
        "checks": [],
        "groups": [],
        "id": "d41d8cd98f00b204e9800998ecf8427e",
        "name": "",
        "path": ""
    },
    "state": {
        "testRunDurationMs": 7985120.0
    }
}
)json";
  EXPECT_EQ(FormatSummaryExport(e), expected);
}

}  // namespace
}  // namespace agentsim
