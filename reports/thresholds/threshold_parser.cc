#include "reports/thresholds/threshold_parser.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "core/json/object_reader.h"
#include "reports/thresholds/metric_catalog.h"

namespace agentsim {
namespace {

constexpr std::string_view kArrayExpected =
    "expected an array of threshold expressions (\"p(95)<1500\") or {\"threshold\": ..., "
    "\"abortOnFail\": ..., \"delayAbortEval\": ...} objects";
constexpr std::string_view kItemExpected =
    "expected a threshold expression (\"p(95)<1500\") or a {\"threshold\": ..., "
    "\"abortOnFail\": ..., \"delayAbortEval\": ...} object";

// The closest of `candidates` to `word` as DidYouMean judges it, or "" when none is close.
template <typename Names>
std::string Closest(std::string_view word, const Names& candidates) {
  std::string best;
  for (std::string_view candidate : candidates) {
    std::string winner = best.empty() ? DidYouMean(word, {candidate})
                                      : DidYouMean(word, {std::string_view(best), candidate});
    if (!winner.empty()) best = std::move(winner);
  }
  return best;
}

std::string ListOf(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

// Checks the metric key; returns the definition, or nullptr after recording an error.
const MetricDefinition* CheckMetricKey(const JsonDocument& doc, const std::string& pointer,
                                       const MetricKey& key, std::vector<std::string>* errors) {
  const MetricDefinition* metric = FindMetric(key.name);
  if (metric == nullptr) {
    std::vector<std::string_view> names;
    for (const MetricDefinition& m : Metrics()) names.push_back(m.name);
    std::string message = "unknown metric '" + key.name + "'";
    if (std::string hint = Closest(key.name, names); !hint.empty()) {
      message += " (did you mean '" + hint + "'?)";
    } else {
      message += "; expected one of: " + ListOf(names);
    }
    errors->push_back(doc.Describe(pointer, message));
    return nullptr;
  }
  if (key.tags.empty()) return metric;
  Result<std::span<const TagColumn>> tags = TagColumns(metric->source);
  if (!tags) {
    errors->push_back(doc.Describe(pointer, tags.error().message));
    return nullptr;
  }
  if (tags->empty()) {
    errors->push_back(doc.Describe(pointer, "metric " + key.name + " has no tags to filter on"));
    return nullptr;
  }
  std::vector<std::string_view> names;
  for (const TagColumn& t : *tags) names.push_back(t.name);
  bool ok = true;
  for (const TagFilter& filter : key.tags) {
    if (std::find(names.begin(), names.end(), filter.key) != names.end()) continue;
    std::string message = "unknown tag '" + filter.key + "' for metric " + key.name;
    if (std::string hint = Closest(filter.key, names); !hint.empty()) {
      message += " (did you mean '" + hint + "'?)";
    }
    errors->push_back(doc.Describe(pointer, message + "; its tags are: " + ListOf(names)));
    ok = false;
  }
  return ok ? metric : nullptr;
}

// Parses `text` (at `pointer`) against `metric`; records an error and returns nullopt if bad.
std::optional<ThresholdExpression> CheckExpression(const JsonDocument& doc,
                                                   const std::string& pointer,
                                                   const std::string& text,
                                                   const MetricDefinition& metric,
                                                   std::vector<std::string>* errors) {
  Result<ThresholdExpression> parsed = ParseThresholdExpression(text);
  if (!parsed) {
    errors->push_back(
        doc.Describe(pointer, "invalid threshold \"" + text + "\": " + parsed.error().message));
    return std::nullopt;
  }
  if (!SupportsAggregation(metric.type, parsed->aggregation)) {
    errors->push_back(doc.Describe(
        pointer, "invalid threshold \"" + text + "\": aggregation " + AggregationName(*parsed) +
                     " is not supported by " + std::string(MetricTypeName(metric.type)) +
                     " metric " + std::string(metric.name) +
                     "; expected one of: " + std::string(SupportedAggregations(metric.type))));
    return std::nullopt;
  }
  return parsed.value();
}

// The long form {"threshold", "abortOnFail", "delayAbortEval"} at `pointer`.
std::optional<ThresholdSpec> ReadLongForm(const JsonDocument& doc, const std::string& pointer,
                                          const MetricDefinition& metric,
                                          std::vector<std::string>* errors) {
  const std::size_t errors_before = errors->size();
  ObjectReader r(doc, pointer, errors);
  r.AllowOnly({"threshold", "abortOnFail", "delayAbortEval"});
  ThresholdSpec spec;
  std::optional<std::string> text = r.String("threshold", Required::kYes);
  spec.abort_on_fail = r.Bool("abortOnFail", Required::kNo).value_or(false);
  if (const nlohmann::json* delay = r.Get("delayAbortEval")) {
    constexpr std::string_view kDelayExpected =
        "expected a duration string such as \"10s\" or a number of milliseconds >= 0";
    if (delay->is_string()) {
      Result<Micros> us = ParseK6Duration(delay->get_ref<const std::string&>());
      if (us) {
        spec.delay_abort_eval_us = *us;
      } else {
        r.Fail("delayAbortEval", us.error().message);
      }
    } else if (delay->is_number() && std::isfinite(delay->get<double>()) &&
               delay->get<double>() >= 0 && delay->get<double>() < 9.2e15) {
      spec.delay_abort_eval_us = static_cast<Micros>(delay->get<double>() * 1000.0);
    } else {
      r.Fail("delayAbortEval", std::string(kDelayExpected) + ", got " + DescribeJson(*delay));
    }
  }
  if (!text) return std::nullopt;
  std::optional<ThresholdExpression> parsed =
      CheckExpression(doc, r.PointerTo("threshold"), *text, metric, errors);
  if (!parsed || errors->size() != errors_before) return std::nullopt;
  spec.expression = *text;
  spec.parsed = *parsed;
  return spec;
}

}  // namespace

std::vector<ThresholdSpec> ParseThresholds(const JsonDocument& doc, std::string_view pointer,
                                           std::vector<std::string>* errors) {
  std::vector<ThresholdSpec> specs;
  const nlohmann::json* object = nullptr;
  try {
    const nlohmann::json::json_pointer ptr{std::string(pointer)};
    if (doc.root().contains(ptr)) object = &doc.root().at(ptr);
  } catch (const nlohmann::json::exception&) {
    object = nullptr;
  }
  if (object == nullptr) return specs;
  if (!object->is_object()) {
    errors->push_back(doc.Describe(pointer,
                                   "expected an object mapping metric keys to arrays of "
                                   "thresholds, got " +
                                       DescribeJson(*object)));
    return specs;
  }
  for (const auto& [metric_key, list] : object->items()) {
    const std::string key_pointer = std::string(pointer) + "/" + EscapePointerToken(metric_key);
    Result<MetricKey> key = ParseMetricKey(metric_key);
    if (!key) {
      errors->push_back(doc.Describe(key_pointer, key.error().message));
      continue;
    }
    const MetricDefinition* metric = CheckMetricKey(doc, key_pointer, *key, errors);
    if (metric == nullptr) continue;
    if (!list.is_array()) {
      errors->push_back(
          doc.Describe(key_pointer, std::string(kArrayExpected) + ", got " + DescribeJson(list)));
      continue;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string item_pointer = key_pointer + "/" + std::to_string(i);
      const nlohmann::json& item = list[i];
      std::optional<ThresholdSpec> spec;
      if (item.is_string()) {
        const std::string& text = item.get_ref<const std::string&>();
        if (auto parsed = CheckExpression(doc, item_pointer, text, *metric, errors)) {
          spec.emplace();
          spec->expression = text;
          spec->parsed = *parsed;
        }
      } else if (item.is_object()) {
        spec = ReadLongForm(doc, item_pointer, *metric, errors);
      } else {
        errors->push_back(doc.Describe(
            item_pointer, std::string(kItemExpected) + ", got " + DescribeJson(item)));
      }
      if (!spec) continue;
      spec->metric_key = metric_key;
      spec->key = *key;
      specs.push_back(std::move(*spec));
    }
  }
  return specs;
}

}  // namespace agentsim
