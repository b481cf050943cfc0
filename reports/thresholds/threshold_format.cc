#include "reports/thresholds/threshold_format.h"

#include <charconv>

#include "core/json/json_document.h"
#include "reports/summary.h"
#include "reports/thresholds/metric_catalog.h"

namespace agentsim {
namespace {

std::string Fixed(double value, int precision) {
  char buffer[64];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, precision);
  return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

std::string Shortest(double value) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

}  // namespace

std::string FormatObserved(const ThresholdResult& r) {
  std::string out = r.aggregation + "=";
  if (!r.observed) return out + "n/a (no samples)";
  const double v = *r.observed;
  const MetricDefinition* metric = FindMetric(r.metric);
  if (metric == nullptr) return out + Shortest(v);
  switch (metric->type) {
    case MetricType::kTrend:
      return out + Fixed(v, 2) + std::string(metric->unit);
    case MetricType::kRate:
      return out + Fixed(v * 100.0, 2) + "%";
    case MetricType::kCounter:
      return r.aggregation == "count" ? out + Fixed(v, 0) : out + Fixed(v, 2) + "/s";
  }
  return out + Shortest(v);
}

std::string FormatThresholds(std::span<const ThresholdResult> results) {
  if (results.empty()) return "";
  int failed = 0;
  for (const ThresholdResult& r : results) failed += r.passed ? 0 : 1;
  const std::string total = std::to_string(results.size());
  std::string out = FormatSummaryLine(
      "thresholds", failed == 0 ? "all " + total + " passed"
                                : std::to_string(failed) + " of " + total + " failed");
  const std::string* previous_key = nullptr;
  for (const ThresholdResult& r : results) {
    if (previous_key == nullptr || *previous_key != r.metric_key) {
      out += "  " + EscapeForMessage(r.metric_key) + "\n";
      previous_key = &r.metric_key;
    }
    out += std::string("    ") + (r.passed ? "\u2713" : "\u2717") + " '" +
           EscapeForMessage(r.expression) + "' " + FormatObserved(r) + "\n";
  }
  return out;
}

}  // namespace agentsim
