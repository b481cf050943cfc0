#include "core/json/json_document.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json/object_reader.h"

namespace agentsim {
namespace {

constexpr const char* kText =
    "{\n"                                // line 1
    "  // a comment\n"                   // line 2
    "  \"name\": \"x\",\n"               // line 3
    "  \"workload\": {\n"                // line 4
    "    \"sessions\": \"ten\",\n"       // line 5
    "    \"list\": [1, /* two */ 2, {\"a/b\": 3}]\n"  // line 6
    "  }\n"
    "}\n";

struct LocateCase {
  const char* pointer;
  int line;
  int column;
};

TEST(JsonDocumentTest, LocatesPointersWithComments) {
  const LocateCase cases[] = {
      {"", 1, 1},
      {"/name", 3, 11},
      {"/workload", 4, 15},
      {"/workload/sessions", 5, 17},
      {"/workload/list", 6, 13},
      {"/workload/list/0", 6, 14},
      {"/workload/list/1", 6, 27},
      {"/workload/list/2/a~1b", 6, 38},
      {"/workload/missing", 4, 15},  // deepest existing ancestor
      {"/workload/list/9", 6, 13},
  };
  for (const LocateCase& c : cases) {
    SourcePosition p = PositionOf(kText, LocatePointer(kText, c.pointer));
    EXPECT_EQ(p.line, c.line) << c.pointer;
    EXPECT_EQ(p.column, c.column) << c.pointer;
  }
}

TEST(JsonDocumentTest, SyntaxErrorNamesFileLineAndColumn) {
  auto doc = JsonDocument::Parse("s.json", "{\n  \"a\": 1,\n  \"b\": ]\n}");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(doc.error().message.rfind("s.json:3:8: invalid JSON: ", 0), 0u) << doc.error().message;
}

TEST(JsonDocumentTest, CommentsCanBeRefused) {
  EXPECT_TRUE(JsonDocument::Parse("a", "// c\n{}").has_value());
  EXPECT_FALSE(JsonDocument::Parse("a", "// c\n{}", /*allow_comments=*/false).has_value());
}

// An unclosed block comment is reported where it opens (nlohmann stops at the end of the text);
// "/*" inside a string, or after a comment that closes, is not one.
TEST(JsonDocumentTest, AnUnclosedCommentIsLocatedWhereItOpens) {
  auto doc = JsonDocument::Parse("c.json", "{\n  \"a\": 1, /* to do\n  \"b\": 2\n}\n");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().message,
            "c.json:2:11: invalid JSON: comment opened here is never closed (no '*/')");
  EXPECT_TRUE(JsonDocument::Parse("c.json", "{\"a\": \"/*\", /* x */ \"b\": 1}").has_value());
  // Without comments allowed, the parser's own message stands.
  auto strict = JsonDocument::Parse("c.json", "[1, /* x", /*allow_comments=*/false);
  ASSERT_FALSE(strict.has_value());
  EXPECT_EQ(strict.error().message.find("never closed"), std::string::npos) << strict.error().message;
}

// Numbers in messages as the user wrote them; other values as DescribeJson shows them.
TEST(JsonDocumentTest, DescribeAtShowsNumbersAsWritten) {
  auto doc = JsonDocument::Parse(
      "n.json", "{\"a\": 2e1, \"b\": 18446744073709551616, \"c\": -0.50, \"d\": \"2e1\", \"e\": 7}");
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  const nlohmann::json& root = doc->root();
  EXPECT_EQ(doc->DescribeAt("/a", root["a"]), "number 2e1");
  EXPECT_EQ(doc->DescribeAt("/b", root["b"]), "number 18446744073709551616");
  EXPECT_EQ(doc->DescribeAt("/c", root["c"]), "number -0.50");
  EXPECT_EQ(doc->DescribeAt("/d", root["d"]), "string \"2e1\"");
  EXPECT_EQ(doc->DescribeAt("/e", root["e"]), "number 7");
  // A literal over 40 bytes is shown as parsed.
  auto long_literal = JsonDocument::Parse("l.json", "[1." + std::string(50, '0') + "1]");
  ASSERT_TRUE(long_literal.has_value());
  EXPECT_EQ(long_literal->DescribeAt("/0", long_literal->root()[0]), "number 1.0");
}

TEST(JsonDocumentTest, DescribeNamesLocationAndPointer) {
  auto doc = JsonDocument::Parse("s.json", kText);
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->Describe("/workload/sessions", "expected an integer"),
            "s.json:5:17: /workload/sessions: expected an integer");
  EXPECT_EQ(doc->Describe("", "expected an object"), "s.json:1:1: (root): expected an object");
}

TEST(JsonDocumentTest, DescribeJsonSummarisesValues) {
  EXPECT_EQ(DescribeJson(nlohmann::json("ten")), "string \"ten\"");
  EXPECT_EQ(DescribeJson(nlohmann::json(3.5)), "number 3.5");
  EXPECT_EQ(DescribeJson(nlohmann::json(nullptr)), "null");
  EXPECT_EQ(DescribeJson(nlohmann::json::object()), "an object");
  EXPECT_EQ(DescribeJson(nlohmann::json::array()), "an empty array");
  EXPECT_EQ(DescribeJson(nlohmann::json::array({1})), "an array");
  EXPECT_EQ(DescribeJson(nlohmann::json(true)), "true");
}

TEST(JsonDocumentTest, DescribeJsonCutsLongStringsAtACharacterBoundary) {
  std::string e_acute_30;
  for (int i = 0; i < 30; ++i) e_acute_30 += "\xC3\xA9";  // é, 2 bytes
  std::string e_acute_18;
  for (int i = 0; i < 18; ++i) e_acute_18 += "\xC3\xA9";
  // 37 bytes would split the 19th é: the cut keeps 18 (36 bytes).
  EXPECT_EQ(DescribeJson(nlohmann::json(e_acute_30)), "string \"" + e_acute_18 + "...\"");
  EXPECT_EQ(DescribeJson(nlohmann::json(std::string(41, 'a'))),
            "string \"" + std::string(37, 'a') + "...\"");
  EXPECT_EQ(DescribeJson(nlohmann::json(std::string(40, 'a'))),
            "string \"" + std::string(40, 'a') + "\"");
}

TEST(JsonDocumentTest, LongNonAsciiStringInAnErrorDoesNotThrow) {
  // The user's repro: a 30 x é seed in a scenario made the error message abort the program.
  std::string text = "{\"seed\": \"";
  for (int i = 0; i < 30; ++i) text += "\xC3\xA9";
  text += "\"}";
  auto doc = JsonDocument::Parse("s.json", text);
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  std::vector<std::string> errors;
  ObjectReader r(*doc, "", &errors);
  EXPECT_FALSE(r.Integer("seed", Required::kNo, 0, 10).has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(
      errors[0].rfind("s.json:1:10: /seed: expected an integer from 0 to 10, got string \"", 0), 0u)
      << errors[0];
}

TEST(JsonDocumentTest, DumpForMessageReplacesInvalidUtf8) {
  EXPECT_EQ(DumpForMessage(nlohmann::json(std::string("a\xFF"
                                                      "b"))),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(DumpForMessage(nlohmann::json(std::string("tab\there\x01"))), "\"tab\\there\\u0001\"");
  EXPECT_EQ(DescribeJson(nlohmann::json(std::string(39, 'x') + "\xC3")),
            "string \"" + std::string(39, 'x') + "\xEF\xBF\xBD\"");
}

TEST(JsonDocumentTest, EscapeForMessageShowsControlAndInvalidBytes) {
  EXPECT_EQ(EscapeForMessage("a\x01"
                             "b\x1B[31m\x7F"),
            "a<U+0001>b<U+001B>[31m<U+007F>");
  EXPECT_EQ(EscapeForMessage("\xFF\xC3\xA9\xC3"), "<0xFF>\xC3\xA9<0xC3>");
  EXPECT_EQ(EscapeForMessage("\xED\xA0\x80"), "<0xED><0xA0><0x80>");  // a UTF-8 surrogate
  EXPECT_EQ(EscapeForMessage(std::string("nul\0", 4)), "nul<U+0000>");
  EXPECT_EQ(EscapeForMessage("plain \xE2\x82\xAC"), "plain \xE2\x82\xAC");  // €
  // C1 controls (U+0080..U+009F; U+009B is CSI to some terminals); U+00A0 and up are kept.
  EXPECT_EQ(EscapeForMessage("a\xC2\x9B"
                             "31m\xC2\x80\xC2\x9F\xC2\xA0\xC3\xA9"),
            "a<U+009B>31m<U+0080><U+009F>\xC2\xA0\xC3\xA9");
}

TEST(JsonDocumentTest, EscapeLinesForMessageKeepsTheLineBreaks) {
  EXPECT_EQ(EscapeLinesForMessage("one\x1B\ntwo\r\n\nthree\n"),
            "one<U+001B>\ntwo<U+000D>\n\nthree\n");
  EXPECT_EQ(EscapeLinesForMessage(""), "");
  EXPECT_EQ(EscapeLinesForMessage("\n"), "\n");
}

TEST(JsonDocumentTest, Utf8PrefixNeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("ab\xE2\x82\xAC"
                       "c",
                       4),
            "ab");
  EXPECT_EQ(Utf8Prefix("ab\xE2\x82\xAC"
                       "c",
                       5),
            "ab\xE2\x82\xAC");
  EXPECT_EQ(Utf8Prefix("abc", 10), "abc");
  EXPECT_EQ(Utf8Prefix("a\xFF"
                       "b",
                       2),
            "a\xFF");
}

TEST(JsonDocumentTest, NumberBeyondTheDoubleRangeIsLocated) {
  auto doc = JsonDocument::Parse("s.json", "{\n  \"workload\": {\"sessions\": 1e400}\n}\n");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(doc.error().message, "s.json:2:28: invalid JSON: number overflow parsing '1e400'");
  // The same text inside a string or a comment is not the culprit.
  auto later = JsonDocument::Parse("t.json", "{\"a\": \"1e400\", /* 2e999 */ \"b\": [1, -3E+999]}");
  ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error().message, "t.json:1:37: invalid JSON: number overflow parsing '-3E+999'");
  // An integer too long for uint64 and a double.
  auto digits = JsonDocument::Parse("u.json", "[" + std::string(400, '9') + "]");
  ASSERT_FALSE(digits.has_value());
  EXPECT_EQ(digits.error().message,
            "u.json:1:2: invalid JSON: number overflow parsing '" + std::string(37, '9') + "...'");
}

TEST(JsonDocumentTest, NestingBeyondTheLimitIsRefusedBeforeParsing) {
  EXPECT_EQ(kMaxJsonDepth, 256);
  const std::string ok = std::string(256, '[') + std::string(256, ']');
  EXPECT_TRUE(JsonDocument::Parse("d.json", ok).has_value());
  const std::string deep = "{\"a\":\n" + std::string(257, '[') + std::string(257, ']') + "}";
  auto refused = JsonDocument::Parse("d.json", deep);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message, "d.json:2:256: nesting deeper than 256 levels");
  // The user's repro: 100,000 brackets and another error.
  auto huge = JsonDocument::Parse("h.json", std::string(100'000, '[') + "}");
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().message, "h.json:1:257: nesting deeper than 256 levels");
  // Brackets inside strings and comments do not count.
  const std::string quoted = "[\"" + std::string(300, '[') + "\", /* " + std::string(300, '{') +
                             " */ \"\\\"" + std::string(300, '[') + "\"]";
  EXPECT_TRUE(JsonDocument::Parse("q.json", quoted).has_value());
}

TEST(JsonDocumentTest, LocatePointerSurvivesDeepNesting) {
  const std::string text =
      "{\"a\": " + std::string(100'000, '[') + std::string(100'000, ']') + ", \"b\": {\"c\": 1}}";
  EXPECT_EQ(LocatePointer(text, "/b/c"), text.size() - 3);
  EXPECT_EQ(LocatePointer(text, "/a/0/0/0"), 9u);
}

TEST(JsonDocumentTest, LocatePointerDecodesUnicodeEscapesInKeys) {
  const std::string text = "{\"caf\\u00e9\": 1, \"\\ud83d\\ude00\": 2, \"a\\u001bb\": 3}";
  EXPECT_EQ(PositionOf(text, LocatePointer(text, "/caf\xC3\xA9")).column, 15);
  EXPECT_EQ(PositionOf(text, LocatePointer(text, "/\xF0\x9F\x98\x80")).column, 34);
  auto doc = JsonDocument::Parse("k.json", text);
  ASSERT_TRUE(doc.has_value());
  // The control character in the key is escaped in the message, not echoed.
  EXPECT_EQ(doc->Describe("/a\x1b"
                          "b",
                          "unknown key"),
            "k.json:1:49: /a<U+001B>b: unknown key");
}

TEST(JsonDocumentTest, NulByteIsReportedAsSuch) {
  auto inside = JsonDocument::Parse("n.json", std::string("{\"a\": \0}", 8));
  ASSERT_FALSE(inside.has_value());
  EXPECT_EQ(inside.error().message, "n.json:1:7: invalid JSON: unexpected NUL byte (binary data?)");
  // nlohmann stops at a NUL as at the end of input: trailing bytes must not be ignored.
  auto trailing = JsonDocument::Parse("n.json", std::string("{}\n\0garbage", 11));
  ASSERT_FALSE(trailing.has_value());
  EXPECT_EQ(trailing.error().message,
            "n.json:2:1: invalid JSON: unexpected NUL byte (binary data?)");
}

TEST(JsonDocumentTest, SyntaxErrorsEscapeRawBytes) {
  auto doc = JsonDocument::Parse("x.json", "{\"a\": \xFF\x1B}");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().message,
            "x.json:1:7: invalid JSON: syntax error while parsing value - invalid literal; last "
            "read: '\"a\": <0xFF>'");
  // A long excerpt keeps its end, where the parser stopped.
  auto unterminated = JsonDocument::Parse("y.json", "{\"a\": \"" + std::string(1000, 'x'));
  ASSERT_FALSE(unterminated.has_value());
  EXPECT_EQ(unterminated.error().message,
            "y.json:1:1008: invalid JSON: syntax error while parsing value - invalid string: "
            "missing closing quote; last read: '..." +
                std::string(37, 'x') + "'");
}

TEST(ObjectReaderTest, CollectsEveryProblemWithLocations) {
  auto doc = JsonDocument::Parse("s.json", kText);
  ASSERT_TRUE(doc.has_value());
  std::vector<std::string> errors;
  ObjectReader top(*doc, "", &errors);
  top.AllowOnly({"name", "workload"});
  ObjectReader w(*doc, "/workload", &errors);
  w.AllowOnly({"sessions", "lists", "arrival_rate"});
  EXPECT_FALSE(w.Integer("sessions", Required::kYes, 1, 100).has_value());
  EXPECT_FALSE(w.Number("arrival_rate", Required::kYes, 0, 10).has_value());
  EXPECT_EQ(top.String("name", Required::kYes), "x");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "s.json:6:13: /workload/list: unknown key 'list' (did you mean 'lists'?)");
  EXPECT_EQ(errors[1],
            "s.json:5:17: /workload/sessions: expected an integer from 1 to 100, got string "
            "\"ten\"");
  EXPECT_EQ(errors[2],
            "s.json:4:15: /workload: missing required key 'arrival_rate' (a number)");
}

TEST(ObjectReaderTest, UnknownKeyWithoutCloseMatchListsAllowedKeys) {
  auto doc = JsonDocument::Parse("t.json", "{\"zzzzzz\": 1}");
  ASSERT_TRUE(doc.has_value());
  std::vector<std::string> errors;
  ObjectReader r(*doc, "", &errors);
  r.AllowOnly({"name", "seed"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "t.json:1:12: /zzzzzz: unknown key 'zzzzzz'; expected one of: name seed");
}

TEST(ObjectReaderTest, EnumAndBool) {
  auto doc = JsonDocument::Parse("t.json", "{\"source\": \"corpse\", \"on\": 1}");
  ASSERT_TRUE(doc.has_value());
  std::vector<std::string> errors;
  ObjectReader r(*doc, "", &errors);
  EXPECT_FALSE(r.Enum("source", Required::kYes, {"corpus", "transcripts"}).has_value());
  EXPECT_FALSE(r.Bool("on", Required::kYes).has_value());
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "t.json:1:12: /source: expected one of \"corpus\" \"transcripts\", got string "
            "\"corpse\"");
  EXPECT_EQ(errors[1], "t.json:1:28: /on: expected true or false, got number 1");
}

}  // namespace
}  // namespace agentsim
