// The scenario's `thresholds` object, in k6's shape: metric key -> array of thresholds, each a
// string (short form) or an object (long form):
//
//   "thresholds": {
//     "time_to_first_audio_ms": ["p(95)<1500", "p(99.9)<4000"],
//     "turn_fallback{agent_id:interview-strict-v1}": [
//       {"threshold": "rate<0.05", "abortOnFail": true, "delayAbortEval": "10s"}
//     ]
//   }
//
// Grammar: threshold_grammar.h; metrics, their aggregations and tags: metric_catalog.h; users'
// reference: docs/thresholds.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_document.h"
#include "core/ports/clock.h"
#include "reports/thresholds/threshold_grammar.h"

namespace agentsim {

struct ThresholdSpec {
  std::string metric_key;  // as written, e.g. "turn_fallback{agent_id:interview-strict-v1}"
  MetricKey key;           // parsed; key.name is a metric of the catalog, the tags are its tags
  std::string expression;  // as written, e.g. "rate<0.05"
  ThresholdExpression parsed;
  bool abort_on_fail = false;                 // long form abortOnFail (also followed live)
  std::optional<Micros> delay_abort_eval_us;  // long form delayAbortEval, when given
};

// Reads the thresholds object at `pointer` of `doc`; an absent member means no thresholds.
// Every problem is appended to `errors` as "file:line:col: /pointer: message" (JsonDocument::
// Describe) and the faulty threshold is left out. Problems: not an object; a metric key that does
// not parse, names an unknown metric (with a did-you-mean) or a tag the metric does not have; a
// value that is not an array of strings and long-form objects; an expression that does not parse
// or whose aggregation the metric's type does not support (k6's rule); in the long form, an
// unknown key, a missing or non-string "threshold", a non-boolean "abortOnFail", a
// "delayAbortEval" that is neither a duration string ("10s") nor a number of milliseconds >= 0.
// Order of the result: metric keys in byte order (the JSON object's order), then array order.
std::vector<ThresholdSpec> ParseThresholds(const JsonDocument& doc, std::string_view pointer,
                                           std::vector<std::string>* errors);

}  // namespace agentsim
