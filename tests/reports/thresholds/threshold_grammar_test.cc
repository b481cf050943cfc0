#include "reports/thresholds/threshold_grammar.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace agentsim {
namespace {

constexpr char kShape[] =
    "expected <aggregation> <operator> <value>, e.g. \"p(95)<1500\" or \"rate<0.05\", with an "
    "operator among <, <=, >, >=, ==, ===, !=";

struct ExpressionCase {
  std::string text;
  std::string aggregation;  // AggregationName, "" for an error
  ThresholdOperator op = ThresholdOperator::kLess;
  double value = 0;
  std::string error;  // expected message when aggregation is ""
};
void PrintTo(const ExpressionCase& c, std::ostream* os) { *os << "\"" << c.text << "\""; }

class ThresholdExpressionTest : public testing::TestWithParam<ExpressionCase> {};

TEST_P(ThresholdExpressionTest, ParsesAsK6Does) {
  const ExpressionCase& c = GetParam();
  Result<ThresholdExpression> e = ParseThresholdExpression(c.text);
  if (c.aggregation.empty()) {
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.error().message, c.error);
    return;
  }
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(AggregationName(*e), c.aggregation);
  EXPECT_EQ(e->op, c.op);
  EXPECT_EQ(e->value, c.value);
}

using enum ThresholdOperator;
INSTANTIATE_TEST_SUITE_P(Valid, ThresholdExpressionTest,
                         testing::Values(ExpressionCase{"p(95)<1500", "p(95)", kLess, 1500, ""},
                                         ExpressionCase{"p(99.9) < 2000", "p(99.9)", kLess, 2000,
                                                        ""},
                                         ExpressionCase{"p(0)<=1", "p(0)", kLessEqual, 1, ""},
                                         ExpressionCase{"p(100)>1", "p(100)", kGreater, 1, ""},
                                         ExpressionCase{"p(99.99)<1", "p(99.99)", kLess, 1, ""},
                                         ExpressionCase{"rate<=0.05", "rate", kLessEqual, 0.05, ""},
                                         ExpressionCase{"  rate < 0.01  ", "rate", kLess, 0.01, ""},
                                         ExpressionCase{"avg >= 10", "avg", kGreaterEqual, 10, ""},
                                         ExpressionCase{"med==3", "med", kEqual, 3, ""},
                                         ExpressionCase{"max===4", "max", kStrictEqual, 4, ""},
                                         ExpressionCase{"min!=0", "min", kNotEqual, 0, ""},
                                         ExpressionCase{"count>100", "count", kGreater, 100, ""},
                                         ExpressionCase{"value<1", "value", kLess, 1, ""},
                                         ExpressionCase{"avg<-5", "avg", kLess, -5, ""},
                                         ExpressionCase{"avg<+5", "avg", kLess, 5, ""},
                                         ExpressionCase{"avg<1e3", "avg", kLess, 1000, ""},
                                         ExpressionCase{"avg<2.5E-1", "avg", kLess, 0.25, ""},
                                         ExpressionCase{"avg<.5", "avg", kLess, 0.5, ""},
                                         ExpressionCase{"avg<5.", "avg", kLess, 5, ""}));

INSTANTIATE_TEST_SUITE_P(
    Invalid, ThresholdExpressionTest,
    testing::Values(
        ExpressionCase{"p(95)", "", kLess, 0, std::string(kShape) + ", got \"p(95)\""},
        ExpressionCase{"avg=5", "", kLess, 0, std::string(kShape) + ", got \"avg=5\""},
        ExpressionCase{"", "", kLess, 0, std::string(kShape) + ", got \"\""},
        ExpressionCase{" < 1500", "", kLess, 0,
                       std::string(kShape) + "; the aggregation is missing"},
        ExpressionCase{"avgg<5", "", kLess, 0,
                       "expected an aggregation (avg, min, max, med, p(N), count, rate or value) "
                       "before the operator, got \"avgg\""},
        ExpressionCase{"avg =< 5", "", kLess, 0,
                       "expected an aggregation (avg, min, max, med, p(N), count, rate or value) "
                       "before the operator, got \"avg =\""},
        ExpressionCase{"p(101)<5", "", kLess, 0,
                       "expected a percentile p(N) with N a number from 0 to 100, got \"p(101)\""},
        ExpressionCase{"p(-1)<5", "", kLess, 0,
                       "expected a percentile p(N) with N a number from 0 to 100, got \"p(-1)\""},
        ExpressionCase{"p(abc)<5", "", kLess, 0,
                       "expected a percentile p(N) with N a number from 0 to 100, got "
                       "\"p(abc)\""},
        ExpressionCase{"p( 95)<5", "", kLess, 0,
                       "expected a percentile p(N) with N a number from 0 to 100, got "
                       "\"p( 95)\""},
        ExpressionCase{"p(95<5", "", kLess, 0,
                       "expected an aggregation (avg, min, max, med, p(N), count, rate or value) "
                       "before the operator, got \"p(95\""},
        ExpressionCase{"rate<fast", "", kLess, 0, "expected a number after '<', got \"fast\""},
        ExpressionCase{"rate<", "", kLess, 0, "expected a number after '<', got \"\""},
        ExpressionCase{"rate<<0.5", "", kLess, 0, "expected a number after '<', got \"<0.5\""},
        ExpressionCase{"rate<=inf", "", kLess, 0, "expected a number after '<=', got \"inf\""},
        ExpressionCase{"rate>0x10", "", kLess, 0, "expected a number after '>', got \"0x10\""},
        ExpressionCase{"count>1_000", "", kLess, 0, "expected a number after '>', got \"1_000\""},
        ExpressionCase{"avg<1e400", "", kLess, 0, "expected a number after '<', got \"1e400\""},
        ExpressionCase{"avg<1e", "", kLess, 0, "expected a number after '<', got \"1e\""}));

TEST(ThresholdExpressionTest, ComparesAsK6) {
  EXPECT_TRUE(CompareThreshold(1, kLess, 2));
  EXPECT_FALSE(CompareThreshold(2, kLess, 2));
  EXPECT_TRUE(CompareThreshold(2, kLessEqual, 2));
  EXPECT_TRUE(CompareThreshold(3, kGreater, 2));
  EXPECT_TRUE(CompareThreshold(2, kGreaterEqual, 2));
  EXPECT_TRUE(CompareThreshold(2, kEqual, 2));
  EXPECT_TRUE(CompareThreshold(2, kStrictEqual, 2));
  EXPECT_TRUE(CompareThreshold(1, kNotEqual, 2));
  EXPECT_FALSE(CompareThreshold(2, kNotEqual, 2));
  EXPECT_EQ(OperatorText(kStrictEqual), "===");
}

struct KeyCase {
  std::string text;
  std::string name;               // "" for an error
  std::vector<std::string> tags;  // "key=value"
  std::string error;
};
void PrintTo(const KeyCase& c, std::ostream* os) { *os << "\"" << c.text << "\""; }

class MetricKeyTest : public testing::TestWithParam<KeyCase> {};

TEST_P(MetricKeyTest, ParsesAsK6Does) {
  const KeyCase& c = GetParam();
  Result<MetricKey> key = ParseMetricKey(c.text);
  if (c.name.empty()) {
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().message, c.error);
    return;
  }
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ(key->name, c.name);
  std::vector<std::string> tags;
  for (const TagFilter& t : key->tags) tags.push_back(t.key + "=" + t.value);
  EXPECT_EQ(tags, c.tags);
}

INSTANTIATE_TEST_SUITE_P(Valid, MetricKeyTest,
                         testing::Values(KeyCase{"turns", "turns", {}, ""},
                                         KeyCase{"ttfa{agent_id:a}", "ttfa", {"agent_id=a"}, ""},
                                         KeyCase{"m{ a : b , c:'d' }", "m", {"a=b", "c=d"}, ""},
                                         KeyCase{"m{a:\"x y\"}", "m", {"a=x y"}, ""},
                                         KeyCase{"m{a:b:c}", "m", {"a=b:c"}, ""},
                                         KeyCase{
                                             "m{agent_id:interview-strict-v1,outcome:fallback}",
                                             "m",
                                             {"agent_id=interview-strict-v1", "outcome=fallback"},
                                             ""}));

INSTANTIATE_TEST_SUITE_P(
    Invalid, MetricKeyTest,
    testing::Values(
        KeyCase{"", "", {}, "expected a metric name, got an empty key"},
        KeyCase{"m{a:b",
                "",
                {},
                "unmatched curly brace in metric key \"m{a:b\"; expected name{tag:value,...}"},
        KeyCase{"m}a{",
                "",
                {},
                "the closing curly brace comes before the opening one in metric key \"m}a{\"; "
                "expected name{tag:value,...}"},
        KeyCase{"m{a:b}x",
                "",
                {},
                "expected the closing curly brace last in metric key \"m{a:b}x\"; expected "
                "name{tag:value,...}"},
        KeyCase{"{a:b}", "", {}, "expected a metric name before '{' in \"{a:b}\""},
        KeyCase{"m{}", "", {}, "expected tag:value in metric key \"m{}\", got \"\""},
        KeyCase{"m{a}", "", {}, "expected tag:value in metric key \"m{a}\", got \"a\""},
        KeyCase{"m{a:b,}", "", {}, "expected tag:value in metric key \"m{a:b,}\", got \"\""},
        KeyCase{"m{a: }",
                "",
                {},
                "expected tag:value with a non-empty tag and value in metric key \"m{a: }\", got "
                "\"a:\""},
        KeyCase{"m{'':b}",
                "",
                {},
                "expected tag:value with a non-empty tag and value in metric key \"m{'':b}\", "
                "got \"'':b\""},
        KeyCase{"m{a:b,a:c}", "", {}, "tag 'a' appears twice in metric key \"m{a:b,a:c}\""}));

struct DurationCase {
  std::string text;
  Micros us = -1;  // -1 for an error
};
void PrintTo(const DurationCase& c, std::ostream* os) { *os << "\"" << c.text << "\""; }

class K6DurationTest : public testing::TestWithParam<DurationCase> {};

TEST_P(K6DurationTest, ParsesGoDurations) {
  Result<Micros> us = ParseK6Duration(GetParam().text);
  if (GetParam().us < 0) {
    ASSERT_FALSE(us.has_value()) << *us;
    EXPECT_EQ(us.error().message.rfind("expected a duration such as \"10s\", \"1m30s\" or "
                                       "\"500ms\" (units ms, s, m, h, d), got ",
                                       0),
              0u)
        << us.error().message;
    return;
  }
  ASSERT_TRUE(us.has_value()) << us.error().message;
  EXPECT_EQ(*us, GetParam().us);
}

INSTANTIATE_TEST_SUITE_P(
    All, K6DurationTest,
    testing::Values(DurationCase{"10s", 10'000'000}, DurationCase{"1m30s", 90'000'000},
                    DurationCase{"1.5s", 1'500'000}, DurationCase{"500ms", 500'000},
                    DurationCase{"1h", 3'600'000'000}, DurationCase{"2d", 172'800'000'000},
                    DurationCase{"250us", 250}, DurationCase{"250\xC2\xB5s", 250},
                    DurationCase{"1500ns", 1}, DurationCase{"0", 0}, DurationCase{"+2s", 2'000'000},
                    DurationCase{""}, DurationCase{"10"}, DurationCase{"s"}, DurationCase{"-1s"},
                    DurationCase{"10x"}, DurationCase{"1.5.5s"}, DurationCase{"1s 2s"}));

}  // namespace
}  // namespace agentsim
