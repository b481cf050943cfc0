// FastParseJson (simdjson) must give exactly nlohmann::json::parse's value (same types at every
// node, same dump) wherever it answers, and must decline every text the two might read
// differently or that does not parse.
#include "core/agent/json_fast_parse.h"

#include "core/agent/json_repair.h"

#include <string>

#include <gtest/gtest.h>

namespace agentsim {
namespace {

using nlohmann::json;

// Same value and the same type at every node (0u vs 0 vs 0.0 all compare equal in nlohmann).
void ExpectSameTree(const json& a, const json& b, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (auto it = a.begin(); it != a.end(); ++it) {
      ASSERT_TRUE(b.contains(it.key())) << where << "/" << it.key();
      ExpectSameTree(it.value(), b.at(it.key()), where + "/" + it.key());
    }
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (std::size_t i = 0; i < a.size(); ++i) {
      ExpectSameTree(a[i], b[i], where + "/" + std::to_string(i));
    }
  } else {
    EXPECT_EQ(a, b) << where;
    EXPECT_EQ(a.dump(), b.dump()) << where;
  }
}

struct FastCase {
  std::string name;
  std::string text;
  bool answers;  // the fast path gives a value (else nullopt: the caller uses nlohmann)
};

void PrintTo(const FastCase& c, std::ostream* os) { *os << c.name; }

class FastParseJsonTest : public ::testing::TestWithParam<FastCase> {};

TEST_P(FastParseJsonTest, SameValueAsNlohmannOrDeclines) {
  const FastCase& c = GetParam();
  std::optional<json> fast = FastParseJson(c.text);
  ASSERT_EQ(fast.has_value(), c.answers);
  if (!fast) return;
  const json slow = json::parse(c.text);
  ExpectSameTree(*fast, slow, "");
  EXPECT_EQ(fast->dump(), slow.dump());
}

INSTANTIATE_TEST_SUITE_P(
    Texts, FastParseJsonTest,
    ::testing::Values(
        FastCase{"interview_output",
                 R"({"system_response": "Could you walk me through it?", )"
                 R"("voice_instructions": "warm", "internal_assessment": "solid", )"
                 R"("confidence_score": 0.82, "next_stage": "technical"})",
                 true},
        FastCase{"numbers", R"({"u": 7, "i": -7, "f": 1.5, "e": 1e2, "E": -2.5E-3, "z": 0,)"
                            R"( "big": 18446744073709551615, "min": -9223372036854775808})",
                 true},
        FastCase{"float_edges", "[1e-400, 4.9e-324, 2.2250738585072014e-308, 0.1, "
                                "1.7976931348623157e308, 123.456e-7, 1E+2, 100000000000000000000.0,"
                                " 9007199254740993]",
                 true},
        FastCase{"nested", R"({"a": [1, [2, {"b": null}], true, false], "c": {"d": {}}})", true},
        FastCase{"escapes", R"({"s": "a\"b\\c\/d\n\t\r\b\f"})", true},
        FastCase{"duplicate_keys", R"({"k": 1, "k": "two"})", true},
        FastCase{"pretty_printed", "{\n  \"a\": 1,\n\t\"b\": [ ]\r\n}\n", true},
        FastCase{"top_level_array", "[1, 2, 3]", true},
        FastCase{"top_level_string", R"("{\"a\": 1}")", true},
        FastCase{"top_level_number", "42", true},
        FastCase{"empty_object", "{}", true},
        // Bytes the quick scan stops at, which the full scan (with the string state) clears.
        FastCase{"dash_zero_in_a_string", R"({"d": "2020-01-05", "n": -5})", true},
        FastCase{"escaped_backslash_then_u", R"({"s": "a\\u", "t": "\\"})", true},
        FastCase{"newlines_between_members", "{\"a\": 1,\n\"b\": \"-0\"}", true},
        FastCase{"dashes_past_sixteen_bytes",
                 R"({"long": "abcdefghijklmnopqrstu-vwxyz-1", "n": -12})", true},
        FastCase{"negative_zero_past_sixteen_bytes",
                 R"({"long": "abcdefghijklmnopqrstuvwxyz", "z": -0})", false},
        FastCase{"utf8_past_sixteen_bytes", "{\"long\": \"abcdefghijklmnopqrstuvwxyz\xc3\xa9\"}",
                 false},
        // Declined: the caller's nlohmann parse decides (and words any error).
        FastCase{"negative_zero", R"({"z": -0})", false},
        FastCase{"negative_fraction_below_one", R"({"z": -0.5})", false},
        FastCase{"unicode_escape", R"({"s": "caf\u00e9"})", false},
        FastCase{"lone_surrogate", R"({"s": "\ud800"})", false},
        FastCase{"raw_tab_in_string", "{\"s\": \"a\tb\"}", false},
        FastCase{"raw_newline_in_string", "{\"s\": \"a\nb\"}", false},
        FastCase{"utf8_text", "{\"s\": \"caf\xc3\xa9\"}", false},
        FastCase{"invalid_utf8", "{\"s\": \"\xff\"}", false},
        FastCase{"bom", "\xef\xbb\xbf{\"a\": 1}", false},
        FastCase{"trailing_comma", R"({"a": 1,})", false},
        FastCase{"prose_around", R"(Sure! {"a": 1} Thanks.)", false},
        FastCase{"two_objects", R"({"a": 1}{"b": 2})", false},
        FastCase{"truncated", R"({"a": "unfinished)", false},
        FastCase{"single_quotes", R"({'a': 1})", false},
        FastCase{"bigint", R"({"n": 123456789012345678901234567890})", false},
        FastCase{"float_overflow", R"({"n": 1e400})", false},
        FastCase{"nan_literal", R"({"n": NaN})", false},
        FastCase{"empty", "", false},
        FastCase{"blank", "  \n", false}));

// The depth limit counts levels as JsonNestingDepth does: the fast path answers up to it and
// declines beyond (the caller then reports too_deep from its own scan).
struct DepthCase {
  std::string text;
  int max_depth;
  bool answers;
};

TEST(FastParseJsonDepth, AnswersUpToTheLimitOnly) {
  const DepthCase cases[] = {
      {"1", 0, true},
      {"{}", 0, false},
      {"{}", 1, true},
      {R"({"a": [1, {"b": []}]})", 4, true},
      {R"({"a": [1, {"b": []}]})", 3, false},
      {R"({"a": "[[[[{{{{"})", 1, true},  // brackets in strings are not levels
      {"[[[[]]]]", 4, true},
      {"[[[[]]]]", 3, false},
  };
  for (const DepthCase& c : cases) {
    EXPECT_EQ(JsonNestingDepth(c.text, 100) <= c.max_depth, c.answers) << c.text;
    EXPECT_EQ(FastParseJson(c.text, c.max_depth).has_value(), c.answers)
        << c.text << " max_depth " << c.max_depth;
  }
}

}  // namespace
}  // namespace agentsim
