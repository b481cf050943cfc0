// ObjectReader's PositiveNumber (an open lower bound: 0 refused, and the message says so) and
// Unsigned (integers up to 2^64 - 1, as a seed): exact values and messages.
#include "core/json/object_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json/json_document.h"

namespace agentsim {
namespace {

struct NumberCase {
  const char* value;  // the JSON text of member "v"
  std::optional<double> read;
  const char* error;  // "" when read
};

class PositiveNumberTest : public ::testing::TestWithParam<NumberCase> {};

TEST_P(PositiveNumberTest, ReadsAboveZeroUpToMax) {
  const NumberCase& c = GetParam();
  Result<JsonDocument> doc = JsonDocument::Parse("n.json", std::string(R"({"v": )") + c.value + "}");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  std::vector<std::string> errors;
  ObjectReader r(*doc, "", &errors);
  EXPECT_EQ(r.PositiveNumber("v", Required::kYes, 100), c.read);
  if (c.read) {
    EXPECT_TRUE(errors.empty());
  } else {
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], std::string("n.json:1:7: /v: ") + c.error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Values, PositiveNumberTest,
    ::testing::Values(
        NumberCase{"0.25", 0.25, ""}, NumberCase{"100", 100.0, ""}, NumberCase{"1e-9", 1e-9, ""},
        NumberCase{"0", std::nullopt, "expected a number above 0 up to 100.0, got number 0"},
        NumberCase{"-0.0", std::nullopt, "expected a number above 0 up to 100.0, got number -0.0"},
        NumberCase{"-3", std::nullopt, "expected a number above 0 up to 100.0, got number -3"},
        NumberCase{"100.5", std::nullopt,
                   "expected a number above 0 up to 100.0, got number 100.5"},
        NumberCase{R"("5")", std::nullopt,
                   "expected a number above 0 up to 100.0, got string \"5\""}));

TEST(PositiveNumberTest, AbsentOptionalIsNoError) {
  Result<JsonDocument> doc = JsonDocument::Parse("n.json", "{}");
  ASSERT_TRUE(doc.has_value());
  std::vector<std::string> errors;
  ObjectReader r(*doc, "", &errors);
  EXPECT_EQ(r.PositiveNumber("v", Required::kNo, 1), std::nullopt);
  EXPECT_TRUE(errors.empty());
}

struct UnsignedCase {
  const char* value;
  std::optional<std::uint64_t> read;
  const char* error;
};

class UnsignedTest : public ::testing::TestWithParam<UnsignedCase> {};

TEST_P(UnsignedTest, ReadsTheWholeRangeOfASeed) {
  const UnsignedCase& c = GetParam();
  Result<JsonDocument> doc =
      JsonDocument::Parse("n.json", std::string(R"({"seed": )") + c.value + "}");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  std::vector<std::string> errors;
  ObjectReader r(*doc, "", &errors);
  EXPECT_EQ(r.Unsigned("seed", Required::kYes, UINT64_MAX), c.read);
  if (c.read) {
    EXPECT_TRUE(errors.empty());
  } else {
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], std::string("n.json:1:10: /seed: expected an integer from 0 to "
                                     "18446744073709551615, got ") +
                             c.error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Values, UnsignedTest,
    ::testing::Values(
        UnsignedCase{"0", 0, ""}, UnsignedCase{"-0", 0, ""}, UnsignedCase{"42", 42, ""},
        UnsignedCase{"9223372036854775807", 9223372036854775807ULL, ""},
        UnsignedCase{"9223372036854775808", 9223372036854775808ULL, ""},
        UnsignedCase{"18446744073709551615", 18446744073709551615ULL, ""},
        // One past 2^64 - 1 no longer fits an integer: nlohmann reads it as a double
        // (1.8446744073709552e+19); the message shows it as written.
        UnsignedCase{"18446744073709551616", std::nullopt, "number 18446744073709551616"},
        UnsignedCase{"-1", std::nullopt, "number -1"},
        UnsignedCase{"42.0", std::nullopt, "number 42.0"},
        UnsignedCase{R"("42")", std::nullopt, "string \"42\""}));

TEST(UnsignedTest, BelowTheMaximumOnly) {
  Result<JsonDocument> doc = JsonDocument::Parse("n.json", R"({"n": 11})");
  ASSERT_TRUE(doc.has_value());
  std::vector<std::string> errors;
  ObjectReader r(*doc, "", &errors);
  EXPECT_EQ(r.Unsigned("n", Required::kYes, 10), std::nullopt);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "n.json:1:7: /n: expected an integer from 0 to 10, got number 11");
}

}  // namespace
}  // namespace agentsim
