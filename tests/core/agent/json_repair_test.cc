#include "core/agent/json_repair.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentsim {
namespace {

using Counts = std::vector<std::pair<std::string_view, int>>;

TEST(JsonRepairTest, RepairsSyntaxStringAware) {
  struct Case {
    std::string in;
    std::string out;
    Counts counts;
  };
  const std::vector<Case> cases = {
      {R"({"a": [1, 2]})", R"({"a": [1, 2]})", {}},
      {R"({"a": [1, 2,], })", R"({"a": [1, 2] })", {{"trailing_comma", 2}}},
      {"[1,\n\t]", "[1\n\t]", {{"trailing_comma", 1}}},
      {R"({"a": ", }", "b": ",]"})", R"({"a": ", }", "b": ",]"})", {}},
      {R"({"a": "x \" , }",})", R"({"a": "x \" , }"})", {{"trailing_comma", 1}}},
      {"\"a\nb\"", R"("a\nb")", {{"raw_newline_in_string", 1}}},
      {"\"a\r\nb\rc\"", R"("a\r\nb\rc")", {{"raw_newline_in_string", 2}}},
      {"\"\t\b\f\x01\x1f\"", R"("\t\b\f\u0001\u001f")", {{"raw_control_in_string", 5}}},
      {"\n[1]\n", "\n[1]\n", {}},
      {R"("\'\$\_")", R"("'$_")", {{"invalid_escape", 3}}},
      {R"("C:\Users")", R"("C:\\Users")", {{"invalid_escape", 1}}},
      {R"("\u12G4")", R"("\\u12G4")", {{"invalid_escape", 1}}},
      {"\"\\\n\"", R"("\\\n")", {{"raw_newline_in_string", 1}, {"invalid_escape", 1}}},
      {R"("\"\\\/\b\f\n\r\t\u00e9")", R"("\"\\\/\b\f\n\r\t\u00e9")", {}},
      {R"("\ud83d\ude00")", R"("\ud83d\ude00")", {}},
      {R"("\ud83d" "\ude00" "\ud83d\u0041")", R"("\ufffd" "\ufffd" "\ufffd\u0041")",
       {{"lone_surrogate", 3}}},
      {"\"\xC3\xA9\xF0\x9F\x98\x80\"", "\"\xC3\xA9\xF0\x9F\x98\x80\"", {}},
      {"\"\xFF\xC3(\xED\xA0\x80\"", R"("\ufffd\ufffd(\ufffd\ufffd\ufffd")", {{"invalid_utf8", 5}}},
      // Outside strings nothing but trailing commas changes.
      {"x\xFF\t,", "x\xFF\t,", {}},
      // A text ending inside a string or an escape is copied as it is.
      {R"({"a": "b)", R"({"a": "b)", {}},
      {"\"a\\", "\"a\\", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    CoercionCounts counts;
    EXPECT_EQ(RepairJsonSyntax(c.in, counts), c.out);
    EXPECT_EQ(counts.NonZero(), c.counts);
  }
}

TEST(JsonRepairTest, FindsObjectCandidates) {
  struct Case {
    std::string text;
    std::vector<TextSpan> objects;
    bool unterminated;
    std::size_t unterminated_at;
  };
  const std::vector<Case> cases = {
      {"", {}, false, 0},
      {"no braces", {}, false, 0},
      {R"({"a": 1})", {{0, 8}}, false, 0},
      {R"(x {"a": {"b": [1, {"c": "}"}]}} y)", {{2, 31}}, false, 0},
      {R"({} {"a": "{"})", {{0, 2}, {3, 13}}, false, 0},
      {"Use {name} or { x } here", {}, false, 0},
      {R"({ "a": 1 })", {{0, 10}}, false, 0},
      {R"({"a": 1} {"b": "c)", {{0, 8}}, true, 9},
      {R"(Sure: {")", {}, true, 6},
      {"{", {}, true, 0},
      {R"({"a": "\"}"})", {{0, 12}}, false, 0},
      // Bracket kinds are not matched: this one never gets back to zero.
      {R"({"a": [1})", {}, true, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    ObjectScan scan = ScanObjectCandidates(c.text);
    EXPECT_EQ(scan.objects, c.objects);
    EXPECT_EQ(scan.unterminated, c.unterminated);
    EXPECT_EQ(scan.unterminated_at, c.unterminated_at);
  }
}

TEST(JsonRepairTest, FindsTheFenceOpening) {
  struct Case {
    std::string text;
    bool fenced;
    std::size_t fence_at;
    std::size_t content_begin;
  };
  const std::vector<Case> cases = {
      {"{}", false, 0, 0},
      {"```json\n{}\n```", true, 0, 8},
      {"```\n{}```", true, 0, 4},
      {"Here:\n```JSON  \r\n{}", true, 6, 17},
      {"```json {}```", true, 0, 8},
      {"```", true, 0, 3},
      {"a ```json-5_x\n\n{}", true, 2, 14},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    FenceOpening fence = FindFenceOpening(c.text);
    EXPECT_EQ(fence.fenced, c.fenced);
    EXPECT_EQ(fence.fence_at, c.fence_at);
    EXPECT_EQ(fence.content_begin, c.content_begin);
  }
  EXPECT_TRUE(OnlyBlankOrClosingFence("", false));
  EXPECT_TRUE(OnlyBlankOrClosingFence(" \n\t", false));
  EXPECT_FALSE(OnlyBlankOrClosingFence("\n```", false));
  EXPECT_TRUE(OnlyBlankOrClosingFence("\n```\n", true));
  EXPECT_FALSE(OnlyBlankOrClosingFence("\n```\nThanks", true));
  EXPECT_FALSE(OnlyBlankOrClosingFence("\n```\n```", true));
}

TEST(JsonRepairTest, MeasuresNestingStringAware) {
  struct Case {
    std::string text;
    int limit;
    int depth;
  };
  const std::vector<Case> cases = {
      {"", 64, 0},
      {"1", 64, 0},
      {"{}", 64, 1},
      {R"({"a": [[{}]], "b": []})", 64, 4},
      {R"({"a": "[[[[{{{{"})", 64, 1},
      {R"({"a": "\"[[[["})", 64, 1},
      {"]]]][", 64, 1},
      {std::string(1000, '['), 64, 65},
      {"[[[", 2, 3},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(JsonNestingDepth(c.text, c.limit), c.depth);
  }
}

TEST(JsonRepairTest, RecognisesRefusalsAndApologies) {
  struct Case {
    std::string text;
    bool refusal;
  };
  const std::vector<Case> cases = {
      {"I'm sorry, but I can't help with that.", true},
      {"I am sorry.", true},
      {"I APOLOGIZE for the confusion.", true},
      {"I apologise.", true},
      {"My apologies, that is outside what I can do.", true},
      {"I cannot comply.", true},
      {"I\xE2\x80\x99m unable to do that.", true},
      {"I'm not able to share that.", true},
      {"I won't answer that.", true},
      {"I will not do that.", true},
      {"As an AI, I have no opinion.", true},
      {"Hello! How can I help?", false},
      {"", false},
      {"Sorry", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(LooksLikeRefusal(c.text), c.refusal);
  }
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \t\r\n"));
  EXPECT_FALSE(IsBlank(" x "));
  EXPECT_FALSE(IsBlank("\v"));
}

TEST(CoercionCountsTest, CountsMergesAndListsInKindOrder) {
  CoercionCounts a;
  EXPECT_EQ(a.Total(), 0);
  EXPECT_TRUE(a.NonZero().empty());
  a.Add(CoercionKind::kEnumCase);
  a.Add(CoercionKind::kFenced, 2);
  CoercionCounts b;
  b.Add(CoercionKind::kEnumCase);
  b.Add(CoercionKind::kUnknownFieldDropped);
  a.Merge(b);
  EXPECT_EQ(a.Get(CoercionKind::kEnumCase), 2);
  EXPECT_EQ(a.Total(), 5);
  EXPECT_EQ(a.NonZero(),
            (Counts{{"fenced", 2}, {"enum_case", 2}, {"unknown_field_dropped", 1}}));
  const std::vector<std::string_view> names = {
      "fenced",          "prose_stripped",        "double_encoded",   "trailing_comma",
      "raw_newline_in_string", "raw_control_in_string", "invalid_escape", "lone_surrogate",
      "invalid_utf8",    "string_to_int",         "string_to_float",  "string_to_bool",
      "string_to_list",  "string_to_dict",        "float_to_int",     "enum_case",
      "int_literal_from_string", "null_optional_dropped", "unknown_field_dropped"};
  ASSERT_EQ(names.size(), kCoercionKindCount);
  for (std::size_t i = 0; i < kCoercionKindCount; ++i) {
    EXPECT_EQ(CoercionKindName(static_cast<CoercionKind>(i)), names[i]);
  }
}

// Counts that were never added to answer without a scan; merging into empty counts and adding
// zero keep them empty, and equality compares the counts only.
TEST(CoercionCountsTest, EmptyCountsStayEmptyThroughMergeAndZeroAdds) {
  CoercionCounts empty;
  CoercionCounts zero_added;
  zero_added.Add(CoercionKind::kFenced, 0);
  zero_added.Merge(empty);
  EXPECT_EQ(zero_added.Total(), 0);
  EXPECT_TRUE(zero_added.NonZero().empty());
  EXPECT_EQ(zero_added, empty);
  CoercionCounts merged;
  CoercionCounts one;
  one.Add(CoercionKind::kFloatToInt);
  merged.Merge(one);
  EXPECT_EQ(merged.Total(), 1);
  EXPECT_EQ(merged.NonZero(), (Counts{{"float_to_int", 1}}));
  EXPECT_EQ(merged, one);
  // Back to zero by a negative add: no kind above zero is listed.
  merged.Add(CoercionKind::kFloatToInt, -1);
  EXPECT_EQ(merged.Total(), 0);
  EXPECT_TRUE(merged.NonZero().empty());
  EXPECT_EQ(merged, empty);
}

}  // namespace
}  // namespace agentsim
