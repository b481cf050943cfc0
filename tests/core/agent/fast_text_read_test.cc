// ReadValidText reads a flat valid object straight from its text: where it answers, its result
// must be exactly the general path's (structured_output_test::Reference: nlohmann, Validate,
// WithDefaults, ExtractSpokenOutput, PublicPayloadText) with a null object; everywhere else it
// must leave `out` untouched. Each case also says whether it answers, so that what it takes is
// pinned down (blanks, escapes, numbers, arrays, defaults) as much as what it leaves to
// FastReadStructured (\u, "-0", long integers, nested values, violations...).
#include "core/agent/fast_text_read.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "tests/core/agent/structured_output_reference.h"

namespace agentsim {
namespace {

using structured_output_test::AllKindsSchema;
using structured_output_test::Difference;
using structured_output_test::Reference;

struct TextCase {
  std::string name;
  std::string raw;
  bool answers;
  std::string payload;  // when it answers: the exact room payload
};

void PrintTo(const TextCase& c, std::ostream* os) { *os << c.name; }

class ReadValidTextTest : public ::testing::TestWithParam<TextCase> {};

TEST_P(ReadValidTextTest, AnswersOnlyWithTheGeneralPathsResult) {
  const TextCase& c = GetParam();
  LlmOutputOptions options;
  options.keep_object = false;
  ParsedLlmOutput out;
  const bool answered = ReadValidText(c.raw, AllKindsSchema(), options, out);
  ASSERT_EQ(answered, c.answers);
  if (!answered) {
    EXPECT_EQ(out.reason, reason::kNotJson);  // untouched
    EXPECT_TRUE(out.room_payload.empty());
    EXPECT_TRUE(out.spoken.text.empty());
    return;
  }
  EXPECT_EQ(out.room_payload, c.payload);
  const std::optional<ParsedLlmOutput> want = Reference(c.raw, AllKindsSchema(), options);
  ASSERT_TRUE(want.has_value());
  EXPECT_EQ(Difference(out, *want), "");
  EXPECT_TRUE(out.object.is_null());

  // keep_object, lenient mode and a depth limit below 2 are FastReadStructured's.
  for (const int variant : {0, 1, 2}) {
    LlmOutputOptions other;
    if (variant == 0) other.keep_object = true;
    if (variant == 1) other.mode = CoercionMode::kLenient;
    if (variant == 2) other.max_depth = 1;
    if (variant != 0) other.keep_object = false;
    ParsedLlmOutput untouched;
    EXPECT_FALSE(ReadValidText(c.raw, AllKindsSchema(), other, untouched)) << variant;
  }
}

// The payload of a minimal valid object: tags' default ([]) and voice_instructions' ("calm").
std::string Minimal(std::string_view members_before) {
  return "{" + std::string(members_before) +
         R"("system_response":"x","tags":[],"voice_instructions":"calm"})";
}

INSTANTIATE_TEST_SUITE_P(
    Outputs, ReadValidTextTest,
    ::testing::Values(
        TextCase{"compact", R"({"system_response":"Hi."})", true,
                 R"({"system_response":"Hi.","tags":[],"voice_instructions":"calm"})"},
        TextCase{"blanks_everywhere",
                 " \n{ \"system_response\" :\t\"x\" ,\r\n \"score\" : 5 , \"tags\" : [ \"a\" ,"
                 " \"b\" ] } \n",
                 true, R"({"score":5,"system_response":"x","tags":["a","b"],)"
                       R"("voice_instructions":"calm"})"},
        TextCase{"keys_out_of_schema_order",
                 R"({"tags":["z"],"score":0,"system_response":"x","voice_instructions":"loud"})",
                 true,
                 R"({"score":0,"system_response":"x","tags":["z"],"voice_instructions":"loud"})"},
        TextCase{"escapes_kept_but_slash", R"({"system_response":"a\"b\\c\/d\n\t\b\f\r"})", true,
                 R"({"system_response":"a\"b\\c/d\n\t\b\f\r","tags":[],)"
                 R"("voice_instructions":"calm"})"},
        TextCase{"escapes_past_16_bytes",
                 R"({"system_response":"x","secret":"0123456789abcdefghij\"\/kl","pace":)"
                 R"("0123456789abcdefghijklmnop\/q"})",
                 true,
                 R"({"pace":"0123456789abcdefghijklmnop/q","system_response":"x","tags":[],)"
                 R"("voice_instructions":"calm"})"},
        TextCase{"spoken_text_and_voice", R"({"pace":"slow","system_response":"Say \"hi\""})",
                 true,
                 R"({"pace":"slow","system_response":"Say \"hi\"","tags":[],)"
                 R"("voice_instructions":"calm"})"},
        TextCase{"length_counts_an_escape_once",
                 R"({"system_response":"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"})",
                 true,
                 R"({"system_response":"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n",)"
                 R"("tags":[],"voice_instructions":"calm"})"},
        TextCase{"doubles", R"({"system_response":"x","ratio":1e300,"confidence":0.0})", true,
                 Minimal(R"("confidence":0.0,"ratio":1e+300,)")},
        TextCase{"small_double", R"({"system_response":"x","ratio":1.5e-7})", true,
                 Minimal(R"("ratio":1.5e-07,)")},
        TextCase{"negative_double", R"({"system_response":"x","ratio":-2.50E1})", true,
                 Minimal(R"("ratio":-25.0,)")},
        TextCase{"long_double", R"({"system_response":"x","ratio":123456789.123456789})", true,
                 Minimal(R"("ratio":123456789.12345679,)")},
        TextCase{"exponent_sign", R"({"system_response":"x","ratio":1E+2})", true,
                 Minimal(R"("ratio":100.0,)")},
        TextCase{"integer_as_float", R"({"system_response":"x","confidence":1})", true,
                 Minimal(R"("confidence":1,)")},
        TextCase{"integer_18_digits", R"({"system_response":"x","counts":[999999999999999999]})",
                 true, Minimal(R"("counts":[999999999999999999],)")},
        TextCase{"integer_19_digits", R"({"system_response":"x","counts":[1000000000000000000]})",
                 false, ""},
        TextCase{"negative_integer_literal", R"({"system_response":"x","level":-1})", true,
                 Minimal(R"("level":-1,)")},
        TextCase{"literals_and_bools",
                 R"({"system_response":"x","mood":"down","level":2,"done":true})", true,
                 Minimal(R"("done":true,"level":2,"mood":"down",)")},
        TextCase{"lists", R"({"system_response":"x","weights":[0.5,1,1e-1],"counts":[]})", true,
                 R"({"counts":[],"system_response":"x","tags":[],"voice_instructions":"calm",)"
                 R"("weights":[0.5,1,0.1]})"},
        TextCase{"empty_list_with_blank", R"({"system_response":"x","counts":[ ] })", true,
                 Minimal(R"("counts":[],)")},
        TextCase{"hidden_left_out", R"({"secret":"s","system_response":"x"})", true,
                 Minimal("")},
        // Left to FastReadStructured.
        TextCase{"unicode_escape", R"({"system_response":"\u0041"})", false, ""},
        TextCase{"minus_zero", R"({"system_response":"x","ratio":-0.5})", false, ""},
        TextCase{"leading_zero", R"({"system_response":"x","score":05})", false, ""},
        TextCase{"bad_numbers", R"({"system_response":"x","ratio":1.})", false, ""},
        TextCase{"bad_exponent", R"({"system_response":"x","ratio":1e})", false, ""},
        TextCase{"double_out_of_range", R"({"system_response":"x","ratio":1e400})", false, ""},
        TextCase{"double_subnormal", R"({"system_response":"x","ratio":1e-310})", false, ""},
        TextCase{"non_ascii", "{\"system_response\":\"caf\xc3\xa9\"}", false, ""},
        TextCase{"raw_control", "{\"system_response\":\"a\tb\"}", false, ""},
        TextCase{"invalid_escape", R"({"system_response":"a\qb"})", false, ""},
        TextCase{"unterminated", R"({"system_response":"x)", false, ""},
        TextCase{"ends_after_comma", R"({"system_response":"x",)", false, ""},
        TextCase{"ends_in_list", R"({"system_response":"x","tags":["a")", false, ""},
        TextCase{"ends_after_value", R"({"system_response":"x")", false, ""},
        TextCase{"trailing_comma", R"({"system_response":"x",})", false, ""},
        TextCase{"text_after", R"({"system_response":"x"} x)", false, ""},
        TextCase{"two_objects", R"({"system_response":"x"}{"system_response":"y"})", false, ""},
        TextCase{"bad_word", R"({"system_response":"x","done":truex})", false, ""},
        TextCase{"null_value", R"({"system_response":"x","done":null})", false, ""},
        TextCase{"unknown_key", R"({"system_response":"x","other":1})", false, ""},
        TextCase{"repeated_key", R"({"system_response":"x","system_response":"y"})", false, ""},
        TextCase{"missing_required", R"({"score":1})", false, ""},
        TextCase{"empty_object", R"({})", false, ""},
        TextCase{"too_long", R"({"system_response":"0123456789012345678901234567890123456789X"})",
                 false, ""},
        TextCase{"out_of_range", R"({"system_response":"x","score":101})", false, ""},
        TextCase{"double_for_int", R"({"system_response":"x","score":1.0})", false, ""},
        TextCase{"not_in_literal", R"({"system_response":"x","mood":"sideways"})", false, ""},
        TextCase{"string_for_integer_literal", R"({"system_response":"x","level":"2"})", false,
                 ""},
        TextCase{"list_too_long", R"({"system_response":"x","tags":["a","b","c"]})", false, ""},
        TextCase{"list_item_type", R"({"system_response":"x","tags":["a",1]})", false, ""},
        TextCase{"nested_list", R"({"system_response":"x","counts":[[1]]})", false, ""},
        TextCase{"dict_value", R"({"system_response":"x","extra":{}})", false, ""},
        TextCase{"not_an_object", R"(["system_response"])", false, ""},
        TextCase{"escaped_key", R"({"system_respons\u0065":"x"})", false, ""}),
    [](const ::testing::TestParamInfo<TextCase>& c) { return c.param.name; });

}  // namespace
}  // namespace agentsim
