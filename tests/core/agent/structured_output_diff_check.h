// The check of one output in the differential test of ParseLlmOutput's direct read
// (fast_structured_output_diff_test.cc), and the schemas it runs over.
//
// Check reads an output with ParseLlmOutput in strict mode (keep_object true and false) and
// compares every field of the result, exactly, with the general path (Reference in
// structured_output_reference.h). Outputs that are not one JSON value never reach the direct
// read's answer (the general path classifies them); for those it checks that FastReadStructured
// does not answer kDone and that keep_object changes nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/schema/dynamic_schema.h"

namespace agentsim::structured_output_test {

struct NamedSchema {
  std::string name;
  DynamicSchema schema;
  std::string text_field;  // the field TTS speaks (tts_config.text_field)
};

// The agent configs shipped in scenarios/configs/, in file-name order (name: the file's stem),
// and the all-kinds schema last (name "all_kinds", text field system_response). A config that
// does not parse is a test failure (ADD_FAILURE) and left out.
const std::vector<NamedSchema>& Schemas();

// Tallies per schema, and the checks of one output.
struct Tally {
  int outputs = 0;
  int fast_done = 0;   // FastReadStructured answered kDone (keep_object true)
  int structured = 0;  // ParseLlmOutput structured
  int validation_failed = 0;
  int not_one_value = 0;  // not one JSON value: classified by the general path only
  int other = 0;          // one JSON value, not an object
  int failures = 0;
};

// At most this many failures per Tally are reported (ADD_FAILURE); all are counted.
inline constexpr int kMaxReportedFailures = 20;

// Checks `raw` against `ns` with LlmOutputOptions::max_depth `max_depth` (`kind` names the
// output in failure messages) and counts it in `tally`.
void Check(const std::string& raw, const NamedSchema& ns, int max_depth, std::string_view kind,
           Tally& tally);

}  // namespace agentsim::structured_output_test
