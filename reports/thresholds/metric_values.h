// The samples of one metric (or k6 sub-metric: a metric with tag filters) read from a report,
// and the aggregates k6 computes over them (percentiles: core/util/percentile.h, k6's method).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "core/ports/clock.h"
#include "core/util/error.h"
#include "reports/thresholds/metric_catalog.h"
#include "reports/thresholds/threshold_grammar.h"

namespace agentsim {

struct MetricSamples {
  const MetricDefinition* metric = nullptr;
  std::vector<double> sorted_us;  // trend: the non-NULL µs values, ascending
  std::int64_t passes = 0;        // rate: non-zero samples
  std::int64_t total = 0;         // rate: all samples
  std::int64_t count = 0;         // counter: rows counted
  Micros duration_us = 0;         // the run's virtual duration (counter rates)
};

// Reads the samples of `metric` restricted to `tags` (every tag must be one of
// TagColumns(metric.source); equality on the column's text) from the open report `db`
// (`path` names it in errors). `duration_us` is stored for counter rates.
// Errors: SQLite errors (see sqlite_handle.h); kInvalidArgument for a tag the metric does not
// have.
Result<MetricSamples> ReadMetricSamples(sqlite3* db, const std::string& path,
                                        const MetricDefinition& metric,
                                        std::span<const TagFilter> tags, Micros duration_us);

// The run's virtual duration from the run row (0 while the run has not finished).
Result<Micros> ReadVirtualDuration(sqlite3* db, const std::string& path);

// Number of samples, as k6 counts them: trend values, rate samples, counter rows.
std::int64_t SampleCount(const MetricSamples& samples);

// The aggregate `expression` compares, as k6 computes it at the end of a test:
//   trend (ms): avg, min, max, med, p(N); 0 when there are no samples (k6's empty trend sink);
//   rate: non-zero samples / samples; nullopt when there are no samples (k6 then skips the
//     threshold, which passes);
//   counter: count; rate = count per second of virtual time (0 when the run took no time).
// nullopt also for an aggregation the metric's type does not support.
std::optional<double> Observe(const MetricSamples& samples, const ThresholdExpression& expression);

}  // namespace agentsim
