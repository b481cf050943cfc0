// --summary-export FILE.json: the end-of-test summary in the shape of k6's summary data (what
// k6's --summary-export and handleSummary(data) see), as far as agentsim's metrics map onto it:
//
//   {
//       "metrics": {
//           "<metric key>": {
//               "contains": "time" (trends, ms) | "default",
//               "thresholds": {"<expression>": {"ok": true}},   (only with thresholds)
//               "type": "trend" | "rate" | "counter",
//               "values": trend {"avg","max","med","min","p(90)","p(95)"} (ms)
//                         rate {"fails","passes","rate"}; counter {"count","rate"} (per second)
//           }, ...
//       },
//       "options": {"summaryTimeUnit": "", "summaryTrendStats": ["avg","min","med","max",
//                   "p(90)","p(95)"]},
//       "root_group": {"checks": [], "groups": [], "id": "d41d8cd98f00b204e9800998ecf8427e",
//                      "name": "", "path": ""},
//       "state": {"testRunDurationMs": <virtual duration, ms>}
//   }
//
// Listed metrics: ThresholdEvaluation::metrics (evaluate with MetricScope::kAllMetrics). Keys are
// sorted (as Go's encoder sorts them); 4-space indent like k6; deterministic for a given report.
// Not mapped: k6's checks and groups (agentsim has neither; root_group is empty), gauges, the
// TTY flags of "state".
#pragma once

#include <string>

#include "reports/thresholds/threshold_evaluator.h"

namespace agentsim {

// The JSON document, ending in a newline. A threshold's "ok" is false when any threshold with
// that expression on that key failed.
std::string FormatSummaryExport(const ThresholdEvaluation& evaluation);

}  // namespace agentsim
