// JsonDocument::Describe locates through a cache (PointerLocator: line starts, members, the last
// element found in each array); it must give exactly what the uncached LocatePointer + PositionOf
// give, in any order of pointers, including duplicate keys (the last wins: JsonDocument refuses
// them, locating the error there), comments and missing pointers.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/json/json_document.h"

namespace agentsim {
namespace {

constexpr const char* kText = R"({
  "name": "t",  // a comment
  "list": [
    {"a": 1, "b": [10, 20, 30]},
    {"a": 2, "b": []},
    /* between */ {"a": 3, "b": [40]}
  ],
  "dup": {"x": 1},
  "tail": [1, 2, 3, 4, 5, 6, 7, 8, 9],
  "dup": {"x": 2, "y": [true, false]}
})";

std::string Uncached(const std::string& pointer) {
  const SourcePosition p = PositionOf(kText, LocatePointer(kText, pointer));
  return "doc.json:" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " +
         (pointer.empty() ? std::string("(root)") : pointer) + ": m";
}

// What Describe gives, from a PointerLocator kept across calls.
std::string Cached(PointerLocator& locator, const std::string& pointer) {
  const SourcePosition p = locator.Position(kText, locator.Locate(kText, pointer));
  return "doc.json:" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " +
         (pointer.empty() ? std::string("(root)") : pointer) + ": m";
}

TEST(JsonDocumentLocateTest, CachedLocatorMatchesTheUncachedOneInAnyOrder) {
  PointerLocator locator(kText);
  const std::vector<std::string> pointers = {
      "/list/0/b/2", "/list/2/a", "/list/1/b", "/list/0/a",  // backwards within an array
      "/list/2/b/0", "/list/2/b/5",                           // a missing element
      "/tail/8", "/tail/3", "/tail/4", "/tail/9",             // out of order, past the end
      "/dup/x", "/dup/y/1", "/dup/z",                         // the last "dup" wins
      "/name", "/nope", "", "/list/0/b/2", "/list/0/b/1"};
  for (const std::string& p : pointers) {
    SCOPED_TRACE(p);
    EXPECT_EQ(Cached(locator, p), Uncached(p));
  }
  // Spot-check a few exact positions, so the locator itself is pinned too.
  EXPECT_EQ(Cached(locator, "/list/2/a"), "doc.json:6:25: /list/2/a: m");
  EXPECT_EQ(Cached(locator, "/dup/x"), "doc.json:10:16: /dup/x: m");
  EXPECT_EQ(Cached(locator, "/tail/9"), "doc.json:9:11: /tail/9: m");
}

// The document itself refuses the duplicate "dup", located at the value kept.
TEST(JsonDocumentLocateTest, TheDuplicateKeyIsRefusedWhereTheLastValueIs) {
  auto doc = JsonDocument::Parse("doc.json", kText);
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().message.rfind("doc.json:10:10: /dup: duplicate key: ", 0), 0u)
      << doc.error().message;
}

// A copy made before any error shares the cache and describes the same way as the uncached
// locator (the text without its second "dup").
TEST(JsonDocumentLocateTest, CopiesDescribeAlike) {
  std::string text = kText;
  text.replace(text.rfind("\"dup\""), 5, "\"dup2\"");
  auto doc = JsonDocument::Parse("doc.json", text);
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  JsonDocument copy = *doc;
  EXPECT_EQ(copy.Describe("/list/1/a", "m"), doc->Describe("/list/1/a", "m"));
  EXPECT_EQ(copy.Describe("/list/1/a", "m"), Uncached("/list/1/a"));
}

// A UTF-8 byte order mark (which nlohmann skips) is skipped by the locator too and takes no
// column: errors are located as in the same text without it (it located everything at 1:1).
struct BomCase {
  const char* name;
  const char* pointer;
  const char* located;  // "line:col"
};

class ByteOrderMarkLocateTest : public ::testing::TestWithParam<BomCase> {};

TEST_P(ByteOrderMarkLocateTest, LocatesAsWithoutTheMark) {
  const std::string plain = "{\"a\": 1,\n  \"b\": {\"c\": [true, null]}}";
  const std::string marked = "\xEF\xBB\xBF" + plain;
  Result<JsonDocument> doc = JsonDocument::Parse("doc.json", marked);
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  const std::string pointer = GetParam().pointer;
  const std::string expected = std::string("doc.json:") + GetParam().located + ": " +
                               (pointer.empty() ? std::string("(root)") : pointer) + ": m";
  EXPECT_EQ(doc->Describe(pointer, "m"), expected);
  const SourcePosition p = PositionOf(marked, LocatePointer(marked, pointer));
  EXPECT_EQ(std::to_string(p.line) + ":" + std::to_string(p.column), GetParam().located);
  const SourcePosition q = PositionOf(plain, LocatePointer(plain, pointer));
  EXPECT_EQ(std::to_string(q.line) + ":" + std::to_string(q.column), GetParam().located);
}

INSTANTIATE_TEST_SUITE_P(Pointers, ByteOrderMarkLocateTest,
                         ::testing::Values(BomCase{"root", "", "1:1"},
                                           BomCase{"first_member", "/a", "1:7"},
                                           BomCase{"second_line", "/b", "2:8"},
                                           BomCase{"array_element", "/b/c/1", "2:21"},
                                           BomCase{"missing_member", "/missing", "1:1"}),
                         [](const ::testing::TestParamInfo<BomCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(ByteOrderMarkLocateTest, ASyntaxErrorAfterTheMarkIsLocatedOnItsColumn) {
  Result<JsonDocument> doc = JsonDocument::Parse("doc.json", "\xEF\xBB\xBF{\"a\": tru}");
  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error().message.find("doc.json:1:10: invalid JSON"), std::string::npos)
      << doc.error().message;
}

}  // namespace
}  // namespace agentsim
