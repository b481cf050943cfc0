#include "reports/thresholds/threshold_parser.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "core/util/strings.h"
#include "reports/thresholds/metric_catalog.h"

namespace agentsim {
namespace {

// Parses `thresholds` (the value of the "thresholds" key, on line 2 of a small scenario).
struct Parsed {
  std::vector<ThresholdSpec> specs;
  std::string errors;
};
Parsed Parse(const std::string& thresholds) {
  Result<JsonDocument> doc =
      JsonDocument::Parse("s.json", "{\"name\": \"x\",\n\"thresholds\": " + thresholds + "}");
  EXPECT_TRUE(doc.has_value()) << doc.error().message;
  if (!doc) return {};
  std::vector<std::string> errors;
  Parsed p;
  p.specs = ParseThresholds(*doc, "/thresholds", &errors);
  p.errors = JoinLines(errors);
  return p;
}

// The tags of `source`, comma separated, as the unknown-tag message lists them.
std::string TagList(MetricSource source) {
  std::string out;
  const Result<std::span<const TagColumn>> tags = TagColumns(source);
  EXPECT_TRUE(tags.has_value());
  if (!tags) return out;
  for (const TagColumn& t : *tags) out += (out.empty() ? "" : ", ") + t.name;
  return out;
}

TEST(ThresholdParserTest, TagsComeFromTheReportSchema) {
  for (const std::string tag : {"agent_id", "config_version", "outcome", "reason", "tenant_id"}) {
    EXPECT_NE(TagList(MetricSource::kTurn).find(tag), std::string::npos) << tag;
  }
  for (const std::string tag : {"user_id", "tenant_id", "agent_id", "status"}) {
    EXPECT_NE(TagList(MetricSource::kSession).find(tag), std::string::npos) << tag;
  }
  EXPECT_EQ(TagList(MetricSource::kCheckFailure), "check_name, subject, detail");
  EXPECT_EQ(TagList(MetricSource::kCacheLevel), "");
  // tenant_id comes from the turn's session.
  const Result<std::span<const TagColumn>> turn = TagColumns(MetricSource::kTurn);
  ASSERT_TRUE(turn.has_value());
  EXPECT_EQ(turn->back().sql, "s.\"tenant_id\"");
}

TEST(ThresholdParserTest, ReadsShortAndLongFormsInKeyOrder) {
  Parsed p = Parse(R"({
    "turn_fallback{agent_id:interview-strict-v1}": [
      {"threshold": "rate<0.05", "abortOnFail": true, "delayAbortEval": "10s"},
      {"threshold": "rate<0.1", "delayAbortEval": 1500}
    ],
    "time_to_first_audio_ms": ["p(95)<1500", "p(99.9) < 4000"],
    "cache_l1_hit": ["rate>0.9"],
    "turns": ["count>10", "rate>=0.5"]
  })");
  ASSERT_EQ(p.errors, "");
  ASSERT_EQ(p.specs.size(), 7u);
  std::vector<std::string> seen;
  for (const ThresholdSpec& s : p.specs) {
    seen.push_back(s.metric_key + " " + s.expression + " " + AggregationName(s.parsed) + " " +
                   (s.abort_on_fail ? "abort" : "-") + " " +
                   (s.delay_abort_eval_us ? std::to_string(*s.delay_abort_eval_us) : "-"));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "cache_l1_hit rate>0.9 rate - -",
                      "time_to_first_audio_ms p(95)<1500 p(95) - -",
                      "time_to_first_audio_ms p(99.9) < 4000 p(99.9) - -",
                      "turn_fallback{agent_id:interview-strict-v1} rate<0.05 rate abort 10000000",
                      "turn_fallback{agent_id:interview-strict-v1} rate<0.1 rate - 1500000",
                      "turns count>10 count - -",
                      "turns rate>=0.5 rate - -",
                  }));
  EXPECT_EQ(p.specs[3].key.name, "turn_fallback");
  ASSERT_EQ(p.specs[3].key.tags.size(), 1u);
  EXPECT_EQ(p.specs[3].key.tags[0].value, "interview-strict-v1");
}

TEST(ThresholdParserTest, KeepsTheGoodThresholdsBesideABadOne) {
  Parsed p = Parse(R"({"turns": ["count>1", "count>>1", "count<9"]})");
  EXPECT_EQ(p.errors,
            "s.json:2:37: /thresholds/turns/1: invalid threshold \"count>>1\": expected a number "
            "after '>', got \">1\"");
  ASSERT_EQ(p.specs.size(), 2u);
  EXPECT_EQ(p.specs[0].expression, "count>1");
  EXPECT_EQ(p.specs[1].expression, "count<9");
}

TEST(ThresholdParserTest, AbsentOrEmptyMeansNone) {
  Result<JsonDocument> doc = JsonDocument::Parse("s.json", "{\"name\": \"x\"}");
  ASSERT_TRUE(doc.has_value());
  std::vector<std::string> errors;
  EXPECT_TRUE(ParseThresholds(*doc, "/thresholds", &errors).empty());
  EXPECT_TRUE(errors.empty());
  Parsed p = Parse(R"({"turns": []})");
  EXPECT_TRUE(p.specs.empty());
  EXPECT_EQ(p.errors, "");
}

struct BadCase {
  std::string name;
  std::string thresholds;
  std::string errors;  // every message, one per line
};
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ThresholdParserErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(ThresholdParserErrorTest, NamesFileLineColumnPointerAndExpectation) {
  Parsed p = Parse(GetParam().thresholds);
  EXPECT_EQ(p.errors, GetParam().errors);
  EXPECT_TRUE(p.specs.empty());
}

INSTANTIATE_TEST_SUITE_P(
    All, ThresholdParserErrorTest,
    testing::Values(
        BadCase{"NotAnObject", R"(["p(95)<1"])",
                "s.json:2:15: /thresholds: expected an object mapping metric keys to arrays of "
                "thresholds, got an array"},
        BadCase{"UnknownMetricWithHint", R"({"turn_fallbak": ["rate<0.1"]})",
                "s.json:2:32: /thresholds/turn_fallbak: unknown metric 'turn_fallbak' (did you "
                "mean 'turn_fallback'?)"},
        BadCase{"UnknownMetricClosestOfSeveral", R"({"cache_l2_hits": ["rate>0.5"]})",
                "s.json:2:33: /thresholds/cache_l2_hits: unknown metric 'cache_l2_hits' (did you "
                "mean 'cache_l2_hit'?)"},
        BadCase{"UnknownMetricListsAll", R"({"http_req_duration": ["p(95)<1"]})",
                "s.json:2:37: /thresholds/http_req_duration: unknown metric 'http_req_duration'; "
                "expected one of: time_to_first_audio_ms, turn_duration_ms, llm_ttft_ms, "
                "llm_duration_ms, tts_ttfb_ms, config_fetch_ms, turn_fallback, turn_error, "
                "turn_structured, session_completed, session_refused, cache_l1_hit, "
                "cache_l2_hit, cache_l3_hit, turns, sessions, check_failures, "
                "hidden_field_published"},
        BadCase{"MalformedKey", R"({"turns{agent_id:a": ["count>1"]})",
                "s.json:2:36: /thresholds/turns{agent_id:a: unmatched curly brace in metric key "
                "\"turns{agent_id:a\"; expected name{tag:value,...}"},
        BadCase{"UnknownTag", R"({"turns{agent:a}": ["count>1"]})",
                "s.json:2:34: /thresholds/turns{agent:a}: unknown tag 'agent' for metric turns; "
                "its tags are: " +
                    TagList(MetricSource::kTurn)},
        BadCase{"UnknownTagWithHint", R"({"turn_fallback{outcom:fallback}": ["rate<1"]})",
                "s.json:2:50: /thresholds/turn_fallback{outcom:fallback}: unknown tag 'outcom' "
                "for metric turn_fallback (did you mean 'outcome'?); its tags are: " +
                    TagList(MetricSource::kTurn)},
        BadCase{"SessionTags", R"({"sessions{outcome:x}": ["count>1"]})",
                "s.json:2:39: /thresholds/sessions{outcome:x}: unknown tag 'outcome' for metric "
                "sessions; its tags are: " +
                    TagList(MetricSource::kSession)},
        BadCase{"CacheHasNoTags", R"({"cache_l1_hit{agent_id:a}": ["rate>0.9"]})",
                "s.json:2:44: /thresholds/cache_l1_hit{agent_id:a}: metric cache_l1_hit has no "
                "tags to filter on"},
        BadCase{"NotAnArray", R"({"turns": "count>1"})",
                "s.json:2:25: /thresholds/turns: expected an array of threshold expressions "
                "(\"p(95)<1500\") or {\"threshold\": ..., \"abortOnFail\": ..., "
                "\"delayAbortEval\": ...} objects, got string \"count>1\""},
        BadCase{"ElementNeitherStringNorObject", R"({"turns": [3]})",
                "s.json:2:26: /thresholds/turns/0: expected a threshold expression "
                "(\"p(95)<1500\") or a {\"threshold\": ..., \"abortOnFail\": ..., "
                "\"delayAbortEval\": ...} object, got number 3"},
        BadCase{"BadExpression", R"({"turns": ["count>>1"]})",
                "s.json:2:26: /thresholds/turns/0: invalid threshold \"count>>1\": expected a "
                "number after '>', got \">1\""},
        BadCase{"AggregationNotForTrends", R"({"llm_ttft_ms": ["rate<0.1"]})",
                "s.json:2:32: /thresholds/llm_ttft_ms/0: invalid threshold \"rate<0.1\": "
                "aggregation rate is not supported by trend metric llm_ttft_ms; expected one of: "
                "avg, min, max, med, p(N)"},
        BadCase{"AggregationNotForRates", R"({"turn_error": ["p(95)<0.1"]})",
                "s.json:2:31: /thresholds/turn_error/0: invalid threshold \"p(95)<0.1\": "
                "aggregation p(95) is not supported by rate metric turn_error; expected one of: "
                "rate"},
        BadCase{"CountNotForTrends", R"({"tts_ttfb_ms": ["count>1"]})",
                "s.json:2:32: /thresholds/tts_ttfb_ms/0: invalid threshold \"count>1\": "
                "aggregation count is not supported by trend metric tts_ttfb_ms; expected one "
                "of: avg, min, max, med, p(N)"},
        BadCase{"ValueNotForCounters", R"({"turns": ["value>1"]})",
                "s.json:2:26: /thresholds/turns/0: invalid threshold \"value>1\": aggregation "
                "value is not supported by counter metric turns; expected one of: count, rate"},
        BadCase{"LongFormUnknownKey",
                R"({"turns": [{"threshold": "count>1", "abortOnFial": true}]})",
                "s.json:2:66: /thresholds/turns/0/abortOnFial: unknown key 'abortOnFial' (did you "
                "mean 'abortOnFail'?)"},
        BadCase{"LongFormMissingThreshold", R"({"turns": [{"abortOnFail": true}]})",
                "s.json:2:26: /thresholds/turns/0: missing required key 'threshold' (a string)"},
        BadCase{
            "LongFormWrongTypes",
            R"({"turns": [{"threshold": "count>1", "abortOnFail": "yes", "delayAbortEval": true}]})",
            "s.json:2:66: /thresholds/turns/0/abortOnFail: expected true or false, got string "
            "\"yes\"\ns.json:2:91: /thresholds/turns/0/delayAbortEval: expected a duration "
            "string such as \"10s\" or a number of milliseconds >= 0, got true"},
        BadCase{"LongFormBadDuration",
                R"({"turns": [{"threshold": "count>1", "delayAbortEval": "10"}]})",
                "s.json:2:69: /thresholds/turns/0/delayAbortEval: expected a duration such as "
                "\"10s\", \"1m30s\" or \"500ms\" (units ms, s, m, h, d), got \"10\""},
        BadCase{"LongFormBadExpression", R"({"turns": [{"threshold": "count>x"}]})",
                "s.json:2:40: /thresholds/turns/0/threshold: invalid threshold \"count>x\": "
                "expected a number after '>', got \"x\""}),
    [](const testing::TestParamInfo<BadCase>& p) { return p.param.name; });

}  // namespace
}  // namespace agentsim
