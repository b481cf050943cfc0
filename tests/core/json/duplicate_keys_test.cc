// A key written twice in one object is an error at parse time (nlohmann would keep the last
// value silently): where it is, by JSON pointer and line:column of the value kept.
#include "core/json/duplicate_keys.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/json/json_document.h"

namespace agentsim {
namespace {

constexpr const char* kWhat =
    ": duplicate key: the object has this key more than once and only the last value would be "
    "used; remove or rename the others";

struct DuplicateCase {
  const char* name;
  const char* text;
  const char* located;  // "line:col: pointer", or "" for a text without duplicates
};

class DuplicateKeyTest : public ::testing::TestWithParam<DuplicateCase> {};

TEST_P(DuplicateKeyTest, ParseNamesTheFirstRepeatedKey) {
  const DuplicateCase& c = GetParam();
  Result<JsonDocument> doc = JsonDocument::Parse("t.json", c.text);
  if (std::string(c.located).empty()) {
    ASSERT_TRUE(doc.has_value()) << doc.error().message;
    return;
  }
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(doc.error().message, std::string("t.json:") + c.located + kWhat);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, DuplicateKeyTest,
    ::testing::Values(
        DuplicateCase{"top_level", R"({"a": 1, "a": 2})", "1:15: /a"},
        DuplicateCase{"nested", R"({"w": {"x": 1, "y": 2, "x": 3}})", "1:29: /w/x"},
        DuplicateCase{"in_an_array_element", R"([{"a": 1}, {"b": 1, "b": {}}])", "1:26: /1/b"},
        // Element indexes count scalars, arrays and objects alike.
        DuplicateCase{"after_nested_containers",
                      R"({"l": [[1, 2], {"x": 1}, {"y": 1, "y": 2}]})", "1:40: /l/2/y"},
        // Keys are compared decoded, as nlohmann stores them.
        DuplicateCase{"escaped_spelling", R"({"a": 1, "\u0061": 2})", "1:20: /a"},
        DuplicateCase{"pointer_escapes", R"({"a/b~": 1, "a/b~": 2})", "1:21: /a~1b~0"},
        DuplicateCase{"first_in_text_order", R"({"a": 1, "b": 1, "b": 2, "a": 2})", "1:23: /b"},
        DuplicateCase{"three_times_located_at_the_last", R"({"a": 1, "a": 2, "a": 3})",
                      "1:23: /a"},
        DuplicateCase{"after_a_comment", "{\"a\": 1, /* c */ \"a\": 2}", "1:23: /a"},
        DuplicateCase{"on_a_later_line", "{\n  \"a\": 1,\n  \"b\": {\"c\": true,\n  \"c\": null}}",
                      "4:8: /b/c"},
        // The same key in different objects, or as a value, is fine.
        DuplicateCase{"same_key_in_sibling_objects",
                      R"({"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 1}, {"k": 2}]})", ""},
        DuplicateCase{"key_equal_to_a_value", R"({"a": "a", "b": ["a", "a"]})", ""},
        DuplicateCase{"keys_differing_in_case", R"({"a": 1, "A": 2})", ""}),
    [](const ::testing::TestParamInfo<DuplicateCase>& param_info) {
      return param_info.param.name;
    });

TEST(DuplicateKeyTest, ASyntaxErrorIsReportedAsSuch) {
  Result<JsonDocument> doc = JsonDocument::Parse("t.json", R"({"a": 1, "a": })");
  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error().message.find("t.json:1:15: invalid JSON"), std::string::npos)
      << doc.error().message;
}

// ParseListingDuplicates: the document (each repeated key's last value) and one located message
// per repeat, in text order, instead of an error at the first.
struct ListingCase {
  const char* name;
  const char* text;
  std::vector<std::string> located;  // "line:col: pointer" of each message
  const char* root;                  // the document kept, as dump()
};

class ParseListingDuplicatesTest : public ::testing::TestWithParam<ListingCase> {};

TEST_P(ParseListingDuplicatesTest, ListsEveryRepeatAndKeepsTheLastValues) {
  const ListingCase& c = GetParam();
  std::vector<std::string> duplicates{"kept"};  // appended to, not replaced
  Result<JsonDocument> doc =
      JsonDocument::ParseListingDuplicates("t.json", c.text, true, &duplicates);
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  EXPECT_EQ(doc->root().dump(), c.root);
  std::vector<std::string> expected{"kept"};
  for (const std::string& l : c.located) expected.push_back("t.json:" + l + kWhat);
  EXPECT_EQ(duplicates, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ParseListingDuplicatesTest,
    ::testing::Values(
        ListingCase{"none", R"({"a": 1, "b": {"a": 2}})", {}, R"({"a":1,"b":{"a":2}})"},
        ListingCase{"one", R"({"a": 1, "a": 2})", {"1:15: /a"}, R"({"a":2})"},
        // Each repeat is listed; all are located at the value kept (the last).
        ListingCase{"three_times", R"({"a": 1, "a": 2, "a": 3})", {"1:23: /a", "1:23: /a"},
                    R"({"a":3})"},
        // A repeat inside a value that a later repeat discards: only the later repeat, located
        // at the value kept (tester's finding: it was "/a/b" located in the kept value).
        ListingCase{"inside_a_replaced_object", R"({"a": {"b": 1, "b": 2}, "a": {"c": 1}})",
                    {"1:30: /a"}, R"({"a":{"c":1}})"},
        ListingCase{"inside_a_replaced_array", R"({"a": [{"b": 1, "b": 2}], "a": []})",
                    {"1:32: /a"}, R"({"a":[]})"},
        ListingCase{"inside_the_kept_value", R"({"a": {"c": 1}, "a": {"b": 1, "b": 2}})",
                    {"1:22: /a", "1:36: /a/b"}, R"({"a":{"b":2}})"},
        ListingCase{"a_sibling_with_a_longer_name_stays",
                    R"({"ab": {"x": 1, "x": 2}, "a": 1, "a": 2})", {"1:22: /ab/x", "1:39: /a"},
                    R"({"a":2,"ab":{"x":2}})"},
        ListingCase{"several_keys_in_text_order",
                    R"({"b": {"c": 1, "c": 2}, "a": 1, "a": [3]})",
                    {"1:21: /b/c", "1:38: /a"}, R"({"a":[3],"b":{"c":2}})"}),
    [](const ::testing::TestParamInfo<ListingCase>& param_info) {
      return param_info.param.name;
    });

TEST(ParseListingDuplicatesTest, OtherErrorsAreParses) {
  std::vector<std::string> duplicates;
  Result<JsonDocument> doc =
      JsonDocument::ParseListingDuplicates("t.json", R"({"a": 1, "a": 2, "b": })", true,
                                           &duplicates);
  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error().message.find("t.json:1:23: invalid JSON"), std::string::npos)
      << doc.error().message;
  EXPECT_TRUE(duplicates.empty());
}

TEST(FindDuplicateKeyTest, AnswersNothingForInvalidJsonOrWithoutDuplicates) {
  EXPECT_EQ(FindDuplicateKey(R"({"a": 1, "b": })", false), std::nullopt);
  EXPECT_EQ(FindDuplicateKey(R"({"a": 1, "b": [1, {"a": 2}]})", false), std::nullopt);
  // A comment is invalid JSON unless allowed.
  EXPECT_EQ(FindDuplicateKey("{\"a\": 1, /* c */ \"a\": 2}", false), std::nullopt);
  EXPECT_EQ(FindDuplicateKey("{\"a\": 1, /* c */ \"a\": 2}", true), "/a");
}

// Linear in the text: 200,000 objects in one array, and an object of 100,000 objects (where
// nlohmann's parser callback rescanned the container after each child: minutes, not
// milliseconds). Correctness only here; speed is not asserted.
TEST(FindDuplicateKeyTest, ManyContainersInOneContainer) {
  std::string array = "[";
  for (int i = 0; i < 200000; ++i) array += i == 0 ? "{\"a\":1}" : ",{\"a\":1}";
  array += ",{\"b\":1,\"b\":2}]";
  EXPECT_EQ(FindDuplicateKey(array, false), "/200000/b");
  std::string object = "{";
  for (int i = 0; i < 100000; ++i) {
    object += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":{\"x\":[]}";
  }
  object += ",\"k7\":{}}";
  EXPECT_EQ(FindDuplicateKey(object, false), "/k7");
}

// The document is the one nlohmann::json::parse builds, value types included, and of a repeated
// key the last value is kept (a container replaced by a scalar and the other way round).
struct SameDocumentCase {
  const char* name;
  const char* text;
  const char* duplicate;  // the pointer, or "" for none
};

class ParseJsonNotingDuplicatesTest : public ::testing::TestWithParam<SameDocumentCase> {};

TEST_P(ParseJsonNotingDuplicatesTest, BuildsNlohmannsDocument) {
  const SameDocumentCase& c = GetParam();
  const JsonWithDuplicates parsed = ParseJsonNotingDuplicates(c.text, /*allow_comments=*/true);
  const nlohmann::json expected = nlohmann::json::parse(c.text, nullptr, true, true);
  EXPECT_EQ(parsed.root, expected);
  EXPECT_EQ(parsed.root.dump(), expected.dump());
  EXPECT_EQ(parsed.duplicate_keys.empty() ? "" : parsed.duplicate_keys.front(), c.duplicate);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ParseJsonNotingDuplicatesTest,
    ::testing::Values(
        SameDocumentCase{"scalar_root", "-0", ""},
        SameDocumentCase{"string_root", R"("a\u00e9\n")", ""},
        // number_unsigned, number_integer, number_float, 2^64-1, a float with an exponent.
        SameDocumentCase{"numbers", R"([0, -1, 1.5, 18446744073709551615, -9223372036854775808, 1e300])",
                         ""},
        SameDocumentCase{"nested", R"({"a": {"b": [1, {"c": null}], "d": true}, "e": []})", ""},
        SameDocumentCase{"container_then_scalar", R"({"a": {"x": [1, 2]}, "a": 3})", "/a"},
        SameDocumentCase{"scalar_then_container", R"({"a": 3, "a": {"x": [1, 2]}})", "/a"},
        SameDocumentCase{"nested_repeat_kept_last", R"({"o": [{"k": [1], "k": [2, 3]}], "z": 0})",
                         "/o/0/k"},
        SameDocumentCase{"with_comments", "// c\n{\"a\": /* x */ 1}", ""}),
    [](const ::testing::TestParamInfo<SameDocumentCase>& param_info) {
      return param_info.param.name;
    });

TEST(ParseJsonNotingDuplicatesTest, ThrowsNlohmannsErrors) {
  EXPECT_THROW(ParseJsonNotingDuplicates(R"({"a": 1, "a": })", false), nlohmann::json::parse_error);
  EXPECT_THROW(ParseJsonNotingDuplicates("[1e400]", false), nlohmann::json::out_of_range);
  try {
    ParseJsonNotingDuplicates("{\"a\": tru}", false);
    FAIL() << "no exception";
  } catch (const nlohmann::json::parse_error& e) {
    EXPECT_EQ(e.byte, 10u);  // as nlohmann::json::parse reports it
  }
}

}  // namespace
}  // namespace agentsim
