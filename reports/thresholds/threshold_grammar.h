// k6's threshold grammar, verbatim (https://grafana.com/docs/k6/latest/using-k6/thresholds/ and
// k6's metrics/thresholds_parser.go): one threshold expression is
//
//   assertion   -> aggregation whitespace* operator whitespace* number
//   aggregation -> "avg" | "min" | "max" | "med" | "count" | "rate" | "value" | "p(" number ")"
//   operator    -> "<=" | "<" | ">=" | ">" | "===" | "==" | "!="
//
// and a metric key is `name` or `name{tag:value,tag:value}` (k6's sub-metrics). Both parsers here
// are pure string functions; which metric exists and which aggregation it supports is the
// catalog's business (metric_catalog.h), locating errors in the scenario file the parser's
// (threshold_parser.h). docs/thresholds.md is the user's reference.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

enum class Aggregation { kAvg, kMin, kMax, kMed, kPercentile, kCount, kRate, kValue };

enum class ThresholdOperator {
  kLess,          // <
  kLessEqual,     // <=
  kGreater,       // >
  kGreaterEqual,  // >=
  kEqual,         // ==
  kStrictEqual,   // === (the same as == on numbers, as in k6)
  kNotEqual,      // !=
};

struct ThresholdExpression {
  Aggregation aggregation = Aggregation::kAvg;
  double percentile = 0;  // kPercentile only: N of p(N), from 0 to 100 (99.9 allowed)
  ThresholdOperator op = ThresholdOperator::kLess;
  double value = 0;
};

// Parses one expression, e.g. "p(95)<1500", "rate <= 0.05", "p(99.9) < 2000". As in k6, the
// operator is the first of <=, <, >=, >, ===, ==, != (in that order) found in the text, and the
// text on each side of it is trimmed of whitespace. Errors (kInvalidArgument; the message says
// what was expected, without location, e.g. `expected a number after '<', got "fast"`):
//   no operator; an unknown aggregation; a malformed or out-of-range percentile (N must be a
//   number from 0 to 100); a value that is not a decimal number ([+-]digits[.digits][e[+-]digits];
//   no inf, nan or hex).
// Stricter than k6 on purpose: k6 accepts p(150) and Go's float syntax (inf, hex, 1_000).
Result<ThresholdExpression> ParseThresholdExpression(std::string_view text);

// k6's name of the aggregate an expression compares, as in its summary: "avg", "med", "rate",
// "count", "value", "p(95)", "p(99.9)" (the percentile in the shortest form that round-trips).
std::string AggregationName(const ThresholdExpression& expression);

// "<", "<=", ">", ">=", "==", "===", "!=".
std::string_view OperatorText(ThresholdOperator op);

// `observed op value`, as k6 compares (== and === alike; every comparison with NaN is false
// except !=).
bool CompareThreshold(double observed, ThresholdOperator op, double value);

struct TagFilter {
  std::string key;
  std::string value;
};

struct MetricKey {
  std::string name;             // e.g. "time_to_first_audio_ms"
  std::vector<TagFilter> tags;  // in the order written; empty without braces
};

// Parses "name" or "name{key:value,...}" as k6's ParseMetricName and Metric.AddSubmetric do: the
// braces must be the first '{' and a '}' in last position; the tags are split at ',' and each at
// its first ':'; keys and values are trimmed of whitespace, then of surrounding quotes (" or ').
// Errors (kInvalidArgument, message only): an empty name; an unmatched or misplaced brace; an
// empty tag list; a tag without ':' or with an empty key or value; the same tag key twice (k6
// silently keeps the last; here it is a mistake to report).
Result<MetricKey> ParseMetricKey(std::string_view text);

// A k6 duration as delayAbortEval takes it: Go's duration syntax ("10s", "1m30s", "1.5s",
// "500ms"; units ns, us, µs, ms, s, m, h, and k6's d for days), truncated to whole µs.
// Errors (kInvalidArgument, message only): empty, a missing unit or number, a negative value.
Result<Micros> ParseK6Duration(std::string_view text);

}  // namespace agentsim
