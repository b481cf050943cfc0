#include "reports/thresholds/summary_export.h"

#include <nlohmann/json.hpp>

#include "reports/thresholds/metric_catalog.h"

namespace agentsim {
namespace {

// The MD5 of the empty string: k6's id of the root group (its path is "").
constexpr std::string_view kRootGroupId = "d41d8cd98f00b204e9800998ecf8427e";

nlohmann::json Values(const MetricSummary& m) {
  switch (m.metric->type) {
    case MetricType::kTrend:
      return {{"avg", m.avg}, {"min", m.min},   {"med", m.med},
              {"max", m.max}, {"p(90)", m.p90}, {"p(95)", m.p95}};
    case MetricType::kRate:
      return {{"rate", m.rate}, {"passes", m.passes}, {"fails", m.fails}};
    case MetricType::kCounter:
      return {{"count", m.count}, {"rate", m.rate}};
  }
  return nlohmann::json::object();
}

}  // namespace

std::string FormatSummaryExport(const ThresholdEvaluation& evaluation) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const MetricSummary& m : evaluation.metrics) {
    nlohmann::json& entry = metrics[m.key];
    entry["type"] = MetricTypeName(m.metric->type);
    entry["contains"] = m.metric->type == MetricType::kTrend ? "time" : "default";
    entry["values"] = Values(m);
  }
  for (const ThresholdResult& r : evaluation.results) {
    nlohmann::json& ok = metrics[r.metric_key]["thresholds"][r.expression]["ok"];
    ok = (ok.is_null() || ok.get<bool>()) && r.passed;
  }
  nlohmann::json root = {
      {"metrics", metrics},
      {"options",
       {{"summaryTimeUnit", ""},
        {"summaryTrendStats", {"avg", "min", "med", "max", "p(90)", "p(95)"}}}},
      {"root_group",
       {{"name", ""},
        {"path", ""},
        {"id", kRootGroupId},
        {"groups", nlohmann::json::array()},
        {"checks", nlohmann::json::array()}}},
      {"state",
       {{"testRunDurationMs", static_cast<double>(evaluation.virtual_duration_us) / 1000.0}}},
  };
  return root.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace agentsim
