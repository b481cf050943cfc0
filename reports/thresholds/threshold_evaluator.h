// Evaluates a scenario's thresholds against a finished SQLite report, with k6's end-of-test
// semantics (docs/thresholds.md):
//   - trend aggregates are computed over the non-NULL samples; a trend without samples reads 0
//     for every aggregate and IS evaluated (k6 evaluates empty trend sinks at the end: p(95)<1500
//     passes, avg>0 fails);
//   - a rate without samples is NOT evaluated and passes (k6 finds no "rate" for an empty rate
//     sink and skips the threshold); its observed value is absent;
//   - a counter without rows reads count 0 and rate 0 and is evaluated.
// This evaluates at the end of the run, on the report. abortOnFail thresholds are also followed
// during the run (app/run_thresholds.h LiveThresholds), which stops it when one fails.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/ports/clock.h"
#include "core/util/error.h"
#include "reports/thresholds/metric_catalog.h"
#include "reports/thresholds/threshold_parser.h"

namespace agentsim {

// One threshold's outcome; also one row of the report's `threshold` table.
struct ThresholdResult {
  std::string metric_key;          // as written, e.g. "turn_fallback{agent_id:a}"
  std::string metric;              // the metric's name, e.g. "turn_fallback"
  std::string expression;          // as written, e.g. "rate<0.05"
  std::string aggregation;         // k6's name of the compared aggregate: "rate", "p(95)"
  std::optional<double> observed;  // trends in ms; absent when not evaluated
  std::int64_t samples = 0;        // samples of the (sub-)metric (SampleCount)
  bool passed = true;
  bool abort_on_fail = false;
  std::optional<Micros> delay_abort_eval_us;
};

// A metric or sub-metric as k6's end-of-test summary shows it (--summary-export).
struct MetricSummary {
  std::string key;  // "turns", "turn_fallback{agent_id:a}"
  const MetricDefinition* metric = nullptr;
  std::int64_t samples = 0;
  double avg = 0, min = 0, med = 0, max = 0, p90 = 0, p95 = 0;  // trend, ms (0 without samples)
  std::int64_t passes = 0, fails = 0;                           // rate
  double rate = 0;         // rate: passes / samples (0 without samples);
                           // counter: count per virtual second
  std::int64_t count = 0;  // counter
};

enum class MetricScope {
  kThresholdKeys,  // summaries of the thresholds' metric keys only
  kAllMetrics,     // also every metric of the catalog that has samples or thresholds (k6's
                   // "observed" metrics), for --summary-export
};

struct ThresholdEvaluation {
  Micros virtual_duration_us = 0;        // the run's, from the run row
  std::vector<ThresholdResult> results;  // one per spec, in the specs' order
  std::vector<MetricSummary> metrics;    // by key, byte order
  int failed() const;                    // results that did not pass
};

// Opens the report at `report_path` read-only and evaluates `specs` (from ParseThresholds).
// Errors: as OpenReportReadOnly (kNotFound, kInvalidArgument, kUnavailable; messages name the
// path); SQLite errors while reading.
Result<ThresholdEvaluation> EvaluateThresholds(const std::string& report_path,
                                               std::span<const ThresholdSpec> specs,
                                               MetricScope scope);

}  // namespace agentsim
