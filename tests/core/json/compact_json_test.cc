// CompactJson must give exactly dump(), for nlohmann::json (sorted keys) and ordered_json
// (insertion order), whatever the value holds; invalid UTF-8 throws as dump() does.
#include "core/json/compact_json.h"

#include <string>

#include <gtest/gtest.h>

namespace agentsim {
namespace {

using nlohmann::ordered_json;

struct DumpCase {
  std::string name;
  ordered_json value;
};

void PrintTo(const DumpCase& c, std::ostream* os) { *os << c.name; }

class CompactJsonTest : public ::testing::TestWithParam<DumpCase> {};

TEST_P(CompactJsonTest, SameTextAsDump) {
  const DumpCase& c = GetParam();
  EXPECT_EQ(CompactJson(c.value), c.value.dump());
  // The same value as nlohmann::json: keys sorted, the same text as its own dump().
  const nlohmann::json sorted = nlohmann::json::parse(c.value.dump());
  EXPECT_EQ(CompactJson(sorted), sorted.dump());
}

ordered_json InterviewOutput() {
  ordered_json o = ordered_json::object();
  o["system_response"] = "Could you walk me through \"the\" design?";
  o["voice_instructions"] = "warm, steady pace";
  o["internal_assessment"] = "solid\\clear";
  o["credibility_score"] = 87;
  o["interview_stage"] = "technical";
  o["sentiment"] = "neutral";
  return o;
}

std::string AllControlBytes() {
  std::string s;
  for (int c = 0; c < 0x20; ++c) s.push_back(static_cast<char>(c));
  s += "\x7f/";
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Values, CompactJsonTest,
    ::testing::Values(
        DumpCase{"interview_output", InterviewOutput()},
        DumpCase{"control_bytes", ordered_json{{"s", AllControlBytes()}}},
        DumpCase{"key_escapes", ordered_json{{"a\"b\n", 1}}},
        DumpCase{"integers", ordered_json::array({0, -1, 42, INT64_MIN, INT64_MAX,
                                                  UINT64_MAX})},
        DumpCase{"bool_null", ordered_json::array({true, false, nullptr})},
        DumpCase{"nested", ordered_json{{"list", ordered_json::array({"a", "b"})},
                                        {"dict", ordered_json{{"k", ordered_json::object()}}},
                                        {"empty", ordered_json::array()}}},
        DumpCase{"insertion_order_kept", ordered_json{{"z", 1}, {"a", 2}, {"m", 3}}},
        // Fallbacks: dump() itself.
        DumpCase{"float", ordered_json{{"score", 0.1}, {"whole", 2.0}, {"big", 1e20}}},
        DumpCase{"utf8", ordered_json{{"s", "caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d"}}},
        DumpCase{"utf8_four_bytes_and_escapes",
                 ordered_json{{"\xf0\x9f\x98\x80k", "a\n\xf0\x9f\x98\x80\"\xc3\xa9\t"}}},
        DumpCase{"float_in_array", ordered_json::array({1.5, -0.0, 3, "x", 1e-7})},
        DumpCase{"empty_object", ordered_json::object()},
        DumpCase{"top_level_string", ordered_json("plain")}));

// Strings dump() refuses (not UTF-8): CompactJson throws the same type_error (316).
TEST(CompactJsonInvalidUtf8, ThrowsAsDumpDoes) {
  for (const std::string bad : {"\xff", "ab\xc3", "\xed\xa0\x80", "\xc0\xaf", "x\xf4\x90\x80\x80"}) {
    const nlohmann::json object = {{"s", bad}};
    EXPECT_THROW(object.dump(), nlohmann::json::type_error) << bad.size();
    try {
      (void)CompactJson(object);
      ADD_FAILURE() << "no throw for a string of " << bad.size() << " bytes";
    } catch (const nlohmann::json::type_error& e) {
      EXPECT_EQ(e.id, 316);
    }
    std::string out;
    EXPECT_FALSE(AppendJsonString(bad, out));
  }
}

TEST(AppendJsonString, AppendsAfterWhatIsThere) {
  std::string out = "{";
  ASSERT_TRUE(AppendJsonString("say \"hi\"\x01", out));
  EXPECT_EQ(out, "{\"say \\\"hi\\\"\\u0001\"");
}

}  // namespace
}  // namespace agentsim
