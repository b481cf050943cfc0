// Differential test of ParseLlmOutput's direct read of valid outputs (FastReadStructured,
// core/agent/fast_structured_output.h) against the general path, over many generated outputs:
// for every agent config shipped in scenarios/configs/ (and one schema with every field kind),
// valid objects from the mock's SchemaValueGenerator (fixed seeds), mutations of them and the
// mock's malformed outputs (Generate, structured_output_mutations.h).
//
// Each output is read by ParseLlmOutput in strict mode (keep_object true and false) and every
// field of the result is compared, exactly, with the general path computed from public
// functions without the direct read (Check, structured_output_diff_check.h; the general path
// and the comparison are in structured_output_reference.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent/llm_output_parser.h"
#include "core/rng/rng.h"
#include "core/schema/dynamic_schema.h"
#include "mocks/response_corpus.h"
#include "mocks/schema_value_generator.h"
#include "tests/core/agent/structured_output_diff_check.h"
#include "tests/core/agent/structured_output_mutations.h"

namespace agentsim {
namespace {

using nlohmann::ordered_json;
using structured_output_test::Check;
using structured_output_test::Generate;
using structured_output_test::NamedSchema;
using structured_output_test::Nested;
using structured_output_test::NumberTexts;
using structured_output_test::Schemas;
using structured_output_test::StringTexts;
using structured_output_test::Tally;
using structured_output_test::WithRawValue;

TEST(FastStructuredOutputDiffTest, EveryShippedSchemaAgreesWithTheGeneralPath) {
  const std::vector<NamedSchema>& schemas = Schemas();
  ASSERT_GE(schemas.size(), 15u);  // 14 shipped configs and all_kinds
  std::uint64_t seed = 1000;
  for (const NamedSchema& ns : schemas) {
    Tally tally;
    std::map<std::string, int> kinds;
    Generate(ns.schema, ++seed, 200, [&](const std::string& raw, std::string_view kind) {
      ++kinds[std::string(kind)];
      Check(raw, ns, kMaxLlmOutputDepth, kind, tally);
    });
    std::printf(
        "%-36s %5d outputs: %5d direct reads, %5d structured, %5d validation_failed, "
        "%4d other JSON, %4d not one value\n",
        ns.name.c_str(), tally.outputs, tally.fast_done, tally.structured, tally.validation_failed,
        tally.other, tally.not_one_value);
    EXPECT_EQ(tally.failures, 0) << ns.name;
    // The direct read is exercised: most valid outputs go through it.
    EXPECT_GE(tally.fast_done, 200) << ns.name;
    EXPECT_GT(tally.validation_failed, 0) << ns.name;
  }
}

// Small depth limits: the direct read needs max_depth >= 2, and a dict value is converted with
// one level less.
TEST(FastStructuredOutputDiffTest, SmallDepthLimitsAgreeWithTheGeneralPath) {
  const NamedSchema& all = Schemas().back();
  ASSERT_EQ(all.name, "all_kinds");
  for (const int max_depth : {1, 2, 3, 4}) {
    Tally tally;
    Generate(all.schema, 77, 60, [&](const std::string& raw, std::string_view kind) {
      Check(raw, all, max_depth, kind, tally);
    });
    EXPECT_EQ(tally.failures, 0) << max_depth;
    if (max_depth == 1) {
      EXPECT_EQ(tally.fast_done, 0);
    }
  }
}

// Every number text and every string text in every field of one valid object per schema.
TEST(FastStructuredOutputDiffTest, EveryValueTextInEveryFieldAgrees) {
  for (const NamedSchema& ns : Schemas()) {
    SchemaValueGenerator generator(&ResponseCorpus::BuiltIn());
    Rng rng(9);
    const ordered_json base = generator.Object(ns.schema, 1.0, rng);
    Tally tally;
    for (const SchemaField& field : ns.schema.fields()) {
      for (const std::string& text : NumberTexts()) {
        Check(WithRawValue(base, field.name, text), ns, kMaxLlmOutputDepth, "number_text", tally);
        Check(WithRawValue(base, field.name, "[" + text + "]"), ns, kMaxLlmOutputDepth,
              "number_list", tally);
      }
      for (const std::string& text : StringTexts()) {
        Check(WithRawValue(base, field.name, text), ns, kMaxLlmOutputDepth, "string_text", tally);
        Check(WithRawValue(base, field.name, "[" + text + "]"), ns, kMaxLlmOutputDepth,
              "string_list", tally);
      }
    }
    EXPECT_EQ(tally.failures, 0) << ns.name;
    EXPECT_GT(tally.fast_done, 0) << ns.name;
  }
}

// The spoken text taken from each field in turn (a str one, a TTS one, a number, a default, an
// absent one).
TEST(FastStructuredOutputDiffTest, EveryTextFieldAgrees) {
  NamedSchema ns = Schemas().back();
  ASSERT_EQ(ns.name, "all_kinds");
  std::vector<std::string> names = {"nope", ""};
  for (const SchemaField& field : ns.schema.fields()) names.push_back(field.name);
  for (const std::string& name : names) {
    ns.text_field = name;
    Tally tally;
    Generate(ns.schema, 31, 20, [&](const std::string& raw, std::string_view kind) {
      Check(raw, ns, kMaxLlmOutputDepth, kind, tally);
    });
    EXPECT_EQ(tally.failures, 0) << name;
    EXPECT_GT(tally.fast_done, 0) << name;
  }
}

// A dict value nested around the depth limit, for several limits.
TEST(FastStructuredOutputDiffTest, DictNestingAroundTheDepthLimitAgrees) {
  const NamedSchema& all = Schemas().back();
  ASSERT_EQ(all.name, "all_kinds");
  for (const int max_depth : {2, 3, 5, 64}) {
    Tally tally;
    for (int levels = 1; levels <= max_depth + 2; ++levels) {
      std::string objects = "1";
      for (int l = 0; l < levels; ++l) objects = "{\"k\":" + objects + "}";
      const std::string arrays = "{\"k\":" + Nested(levels - 1, "true") + "}";
      for (const std::string& value : {objects, arrays}) {
        Check(R"({"system_response":"x","extra":)" + value + "}", all, max_depth, "dict_nesting",
              tally);
      }
    }
    EXPECT_EQ(tally.failures, 0) << max_depth;
    EXPECT_GT(tally.fast_done, 0) << max_depth;
  }
}

}  // namespace
}  // namespace agentsim
