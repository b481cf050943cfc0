#include "core/json/json_document.h"

#include <string>

#include <gtest/gtest.h>

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
