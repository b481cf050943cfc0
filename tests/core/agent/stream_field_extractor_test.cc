#include "core/agent/stream_field_extractor.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace agentsim {
namespace {

struct ExtractCase {
  std::string name;
  std::string text;
  std::size_t chunk;                 // bytes per Feed
  std::optional<std::string> value;  // expected decoded value
  std::size_t ready_after;           // bytes fed when the value was yielded (0: never)
  bool closed;
};

void PrintTo(const ExtractCase& c, std::ostream* os) { *os << c.name; }

class StreamFieldExtractorTest : public ::testing::TestWithParam<ExtractCase> {};

TEST_P(StreamFieldExtractorTest, YieldsCompleteValueOnce) {
  const ExtractCase& c = GetParam();
  StreamFieldExtractor extractor("system_response");
  std::size_t ready_after = 0;
  int yields = 0;
  for (std::size_t at = 0; at < c.text.size(); at += c.chunk) {
    std::optional<std::string> got = extractor.Feed(std::string_view(c.text).substr(at, c.chunk));
    if (got) {
      ++yields;
      ready_after = std::min(at + c.chunk, c.text.size());
      EXPECT_EQ(*got, *c.value);
    }
  }
  EXPECT_EQ(extractor.value(), c.value);
  EXPECT_EQ(ready_after, c.ready_after);
  EXPECT_EQ(yields, c.value ? 1 : 0);
  EXPECT_EQ(extractor.object_closed(), c.closed);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StreamFieldExtractorTest,
    ::testing::Values(
        // {"system_response":"hi","x":1}: closing quote of "hi" is byte 23.
        ExtractCase{"first_field", R"({"system_response":"hi","x":1})", 4, "hi", 24, true},
        ExtractCase{"byte_by_byte", R"({"system_response":"hi","x":1})", 1, "hi", 23, true},
        ExtractCase{"after_other_fields", R"({"a":{"system_response":"no"},"b":[1,"x"],"system_response":"yes"})",
                    4, "yes", 66, true},
        ExtractCase{"escapes", R"({"system_response":"a\"b\\c\n\u00e9"})", 3,
                    "a\"b\\c\n\xc3\xa9", 36, true},
        ExtractCase{"surrogate_pair", R"({"system_response":"\ud83d\ude00!"})", 5,
                    "\xf0\x9f\x98\x80!", 35, true},
        ExtractCase{"escaped_key", R"({"system\u005fresponse":"k"})", 4, "k", 28, true},
        ExtractCase{"prose_before", R"(Sure! {"system_response":"p"})", 4, "p", 28, true},
        ExtractCase{"truncated_in_value", R"({"system_response":"never fini)", 4, std::nullopt, 0,
                    false},
        ExtractCase{"not_a_string", R"({"system_response":42,"y":"z"})", 4, std::nullopt, 0, true},
        ExtractCase{"value_named_like_key", R"({"k":"system_response","v":"w"})", 2, std::nullopt,
                    0, true},
        ExtractCase{"lone_surrogate", R"({"system_response":"\ud83d"})", 4, std::nullopt, 0,
                    true}),
    [](const ::testing::TestParamInfo<ExtractCase>& p) { return p.param.name; });

}  // namespace
}  // namespace agentsim
