#include "reports/thresholds/threshold_evaluator.h"

#include <map>

#include "reports/report_open.h"
#include "reports/thresholds/metric_values.h"

namespace agentsim {
namespace {

MetricSummary Summarise(const std::string& key, const MetricSamples& samples) {
  MetricSummary m;
  m.key = key;
  m.metric = samples.metric;
  m.samples = SampleCount(samples);
  auto observe = [&](Aggregation aggregation, double percentile = 0) {
    ThresholdExpression e;
    e.aggregation = aggregation;
    e.percentile = percentile;
    return Observe(samples, e).value_or(0.0);
  };
  switch (samples.metric->type) {
    case MetricType::kTrend:
      m.avg = observe(Aggregation::kAvg);
      m.min = observe(Aggregation::kMin);
      m.med = observe(Aggregation::kMed);
      m.max = observe(Aggregation::kMax);
      m.p90 = observe(Aggregation::kPercentile, 90);
      m.p95 = observe(Aggregation::kPercentile, 95);
      break;
    case MetricType::kRate:
      m.passes = samples.passes;
      m.fails = samples.total - samples.passes;
      m.rate = observe(Aggregation::kRate);
      break;
    case MetricType::kCounter:
      m.count = samples.count;
      m.rate = observe(Aggregation::kRate);
      break;
  }
  return m;
}

}  // namespace

int ThresholdEvaluation::failed() const {
  int n = 0;
  for (const ThresholdResult& r : results) n += r.passed ? 0 : 1;
  return n;
}

Result<ThresholdEvaluation> EvaluateThresholds(const std::string& report_path,
                                               std::span<const ThresholdSpec> specs,
                                               MetricScope scope) {
  auto db = OpenReportReadOnly(report_path);
  if (!db) return std::unexpected(std::move(db.error()));
  ThresholdEvaluation evaluation;
  Result<Micros> duration = ReadVirtualDuration(db->get(), report_path);
  if (!duration) return std::unexpected(std::move(duration.error()));
  evaluation.virtual_duration_us = *duration;

  // Every (sub-)metric to read, once each, by key; the specs that use it.
  struct Wanted {
    MetricKey key;
    std::vector<std::size_t> specs;
  };
  std::map<std::string, Wanted, std::less<>> wanted;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Wanted& w = wanted[specs[i].metric_key];
    w.key = specs[i].key;
    w.specs.push_back(i);
  }
  if (scope == MetricScope::kAllMetrics) {
    for (const MetricDefinition& m : Metrics()) {
      Wanted& w = wanted[std::string(m.name)];
      w.key.name = std::string(m.name);
    }
  }
  evaluation.results.resize(specs.size());
  for (const auto& [key, w] : wanted) {
    const MetricDefinition* metric = FindMetric(w.key.name);
    if (metric == nullptr) {
      return InvalidArgument(report_path + ": threshold on unknown metric '" + w.key.name + "'");
    }
    Result<MetricSamples> samples =
        ReadMetricSamples(db->get(), report_path, *metric, w.key.tags, *duration);
    if (!samples) return std::unexpected(std::move(samples.error()));
    for (std::size_t i : w.specs) {
      const ThresholdSpec& spec = specs[i];
      ThresholdResult& r = evaluation.results[i];
      r.metric_key = spec.metric_key;
      r.metric = w.key.name;
      r.expression = spec.expression;
      r.aggregation = AggregationName(spec.parsed);
      r.observed = Observe(*samples, spec.parsed);
      r.samples = SampleCount(*samples);
      r.passed = !r.observed || CompareThreshold(*r.observed, spec.parsed.op, spec.parsed.value);
      r.abort_on_fail = spec.abort_on_fail;
      r.delay_abort_eval_us = spec.delay_abort_eval_us;
    }
    // k6 lists a metric when it saw samples or carries thresholds (its own or a sub-metric's).
    bool listed = !w.specs.empty() || SampleCount(*samples) > 0;
    if (!listed && w.key.tags.empty()) {
      for (const ThresholdSpec& spec : specs) listed = listed || spec.key.name == w.key.name;
    }
    if (listed) evaluation.metrics.push_back(Summarise(key, *samples));
  }
  return evaluation;
}

}  // namespace agentsim
