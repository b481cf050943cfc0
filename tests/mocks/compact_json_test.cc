// CompactJson must give exactly nlohmann::ordered_json::dump(), also where it falls back.
#include "mocks/compact_json.h"

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
        DumpCase{"empty_object", ordered_json::object()},
        DumpCase{"top_level_string", ordered_json("plain")}));

}  // namespace
}  // namespace agentsim
