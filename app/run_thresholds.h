// The end of `agentsim run` for thresholds and CI outputs (docs/thresholds.md): after the report
// is finished, evaluate the scenario's thresholds against it, store them in its `threshold`
// table, and write --summary-export and --junit.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "core/util/error.h"
#include "reports/thresholds/threshold_evaluator.h"

namespace agentsim::app {

struct ThresholdOutputs {
  std::string report;                         // the finished report
  std::optional<std::string> summary_export;  // --summary-export FILE.json
  std::optional<std::string> junit;           // --junit FILE.xml
  std::string suite_name;                     // JUnit testsuite name
};

// Checks, before a run, that each output file given can be created: its folder exists and it is
// not a folder. Errors: kInvalidArgument naming the option and the path.
Status CheckOutputPaths(const ThresholdOutputs& outputs);

// Evaluates `specs` on the report, writes the threshold table (also when `specs` is empty: the
// table is then empty) and the requested files. Errors: from EvaluateThresholds and
// WriteThresholdResultsToReport; kUnavailable when an output file cannot be written (the
// message names it).
Result<ThresholdEvaluation> RecordThresholds(std::span<const ThresholdSpec> specs,
                                             const ThresholdOutputs& outputs);

// "FAILED: 2 of 5 thresholds failed (turn_fallback, time_to_first_audio_ms); see the threshold
// table\n": the failed metric keys once each, in result order. "" when none failed.
std::string ThresholdFailureLine(const ThresholdEvaluation& evaluation);

}  // namespace agentsim::app
