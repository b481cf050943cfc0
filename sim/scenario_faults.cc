#include "sim/scenario_faults.h"

#include <algorithm>
#include <cmath>

#include "core/json/object_reader.h"

namespace agentsim {
namespace {

Micros Ms(double ms) { return static_cast<Micros>(std::llround(ms * 1000.0)); }

}  // namespace

std::vector<OutageWindow> ReadOutageList(const JsonDocument& doc, const std::string& pointer,
                                         std::vector<std::string>* errors) {
  std::vector<OutageWindow> out;
  const nlohmann::json* list = nullptr;
  try {
    nlohmann::json::json_pointer ptr(pointer);
    if (doc.root().contains(ptr)) list = &doc.root().at(ptr);
  } catch (const nlohmann::json::exception&) {
    return out;
  }
  if (list == nullptr) return out;
  if (!list->is_array()) {
    errors->push_back(doc.Describe(pointer, "expected an array of {\"start_s\", \"end_s\"}, got " +
                                                DescribeJson(*list)));
    return out;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader r(doc, pointer + "/" + std::to_string(i), errors);
    r.AllowOnly({"start_s", "end_s"});
    auto start = r.Number("start_s", Required::kYes, 0, 1e9);
    auto end = r.Number("end_s", Required::kYes, 0, 1e9);
    if (start && end && *end <= *start) r.Fail("end_s", "expected end_s > start_s");
    if (start && end && *end > *start) {
      out.push_back(OutageWindow{static_cast<Micros>(std::llround(*start * 1e6)),
                                  static_cast<Micros>(std::llround(*end * 1e6))});
    }
  }
  return out;
}

BackendFaults ReadBackendFaults(const JsonDocument& doc, const std::string& pointer,
                                std::vector<std::string>* errors, BackendFaults f) {
  ObjectReader r(doc, pointer, errors, /*required=*/false);
  if (!r.present()) return f;
  r.AllowOnly({"error_rate", "timeout_rate", "hang_ms", "rate_limit_rate", "retry_after_ms",
               "rate_limit_per_second", "rate_limit_burst", "stall_rate", "stall_ms", "outages"});
  if (auto v = r.Number("error_rate", Required::kNo, 0, 1)) f.error_rate = *v;
  if (auto v = r.Number("timeout_rate", Required::kNo, 0, 1)) f.timeout_rate = *v;
  if (auto v = r.Number("hang_ms", Required::kNo, 0, 3.6e6)) f.hang_us = Ms(*v);
  if (auto v = r.Number("rate_limit_rate", Required::kNo, 0, 1)) f.rate_limit_rate = *v;
  if (auto v = r.Number("retry_after_ms", Required::kNo, 0, 3.6e6)) f.retry_after_us = Ms(*v);
  if (auto v = r.Integer("rate_limit_per_second", Required::kNo, 0, 1'000'000)) {
    f.rate_limit_per_second = static_cast<int>(*v);
  }
  if (auto v = r.Integer("rate_limit_burst", Required::kNo, 1, 1'000'000)) {
    f.rate_limit_burst = static_cast<int>(*v);
  }
  if (auto v = r.Number("stall_rate", Required::kNo, 0, 1)) f.stall_rate = *v;
  if (auto v = r.Number("stall_ms", Required::kNo, 0, 3.6e6)) f.stall_us = Ms(*v);
  if (f.error_rate + f.timeout_rate + f.rate_limit_rate > 1.0 + 1e-12) {
    r.Fail("", "expected error_rate + timeout_rate + rate_limit_rate <= 1 (one draw decides)");
  }
  std::vector<OutageWindow> outages = ReadOutageList(doc, pointer + "/outages", errors);
  if (!outages.empty()) f.outages = std::move(outages);
  return f;
}

std::map<std::string, BackendFaults, std::less<>> ReadProviderFaults(
    const JsonDocument& doc, const std::string& pointer, std::vector<std::string>* errors) {
  std::map<std::string, BackendFaults, std::less<>> out;
  ObjectReader r(doc, pointer, errors, /*required=*/false);
  if (!r.present()) return out;
  const nlohmann::json& object = doc.root().at(nlohmann::json::json_pointer(pointer));
  for (const auto& [provider, value] : object.items()) {
    out[provider] = ReadBackendFaults(doc, pointer + "/" + EscapePointerToken(provider), errors);
    if (!value.is_object()) r.Fail(provider, "expected a fault object, got " + DescribeJson(value));
  }
  return out;
}

ChaosOptions ReadChaos(const JsonDocument& doc, std::vector<std::string>* errors) {
  ChaosOptions o;
  ObjectReader r(doc, "/chaos", errors, /*required=*/false);
  if (!r.present()) return o;
  r.AllowOnly({"enabled", "site_probability", "fire_probability", "sites", "error_after_ms",
               "hang_ms", "retry_after_ms", "stall_ms", "slow_ms"});
  o.enabled = r.Bool("enabled", Required::kNo).value_or(true);
  if (auto v = r.Number("site_probability", Required::kNo, 0, 1)) o.site_probability = *v;
  if (auto v = r.Number("fire_probability", Required::kNo, 0, 1)) o.fire_probability = *v;
  if (auto v = r.Number("error_after_ms", Required::kNo, 0, 3.6e6)) o.error_after_us = Ms(*v);
  if (auto v = r.Number("hang_ms", Required::kNo, 0, 3.6e6)) o.hang_us = Ms(*v);
  if (auto v = r.Number("retry_after_ms", Required::kNo, 0, 3.6e6)) o.retry_after_us = Ms(*v);
  if (auto v = r.Number("stall_ms", Required::kNo, 0, 3.6e6)) o.stall_us = Ms(*v);
  if (auto v = r.Number("slow_ms", Required::kNo, 0, 3.6e6)) o.slow_us = Ms(*v);
  if (const nlohmann::json* sites = r.Get("sites")) {
    if (!sites->is_array()) {
      r.Fail("sites", "expected an array of site names, got " + DescribeJson(*sites));
      return o;
    }
    // An empty list would mean "every site" (ChaosOptions::sites): refused, so that a list
    // emptied by mistake does not silently arm everything.
    if (sites->empty()) {
      r.Fail("sites", "expected at least one site name (omit \"sites\" for every site)");
      return o;
    }
    for (std::size_t i = 0; i < sites->size(); ++i) {
      const nlohmann::json& name = (*sites)[i];
      const std::string at = "/chaos/sites/" + std::to_string(i);
      if (!name.is_string() || !ChaosSiteByName(name.get<std::string>())) {
        std::string known;
        for (std::string_view n : kChaosSiteNames) known += (known.empty() ? "" : ", ") + std::string(n);
        errors->push_back(doc.Describe(at, "expected a chaos site (" + known + "), got " +
                                               DescribeJson(name)));
        continue;
      }
      const auto end = sites->begin() + static_cast<std::ptrdiff_t>(i);
      if (const auto first = std::find(sites->begin(), end, name); first != end) {
        errors->push_back(doc.Describe(
            at, "expected each site once, got \"" + name.get<std::string>() +
                    "\" listed twice (first at /chaos/sites/" +
                    std::to_string(first - sites->begin()) + ")"));
        continue;
      }
      o.sites.push_back(name.get<std::string>());
    }
  }
  return o;
}

RoomFaults ReadRoomFaults(const JsonDocument& doc, const std::string& pointer,
                          std::vector<std::string>* errors) {
  RoomFaults f;
  ObjectReader r(doc, pointer, errors, /*required=*/false);
  if (!r.present()) return f;
  r.AllowOnly({"disconnect_per_publish", "session_disconnect_rate", "disconnect_after_ms"});
  if (auto v = r.Number("disconnect_per_publish", Required::kNo, 0, 1)) {
    f.disconnect_per_publish = *v;
  }
  if (auto v = r.Number("session_disconnect_rate", Required::kNo, 0, 1)) {
    f.session_disconnect_rate = *v;
  }
  ObjectReader after(doc, pointer + "/disconnect_after_ms", errors, /*required=*/false);
  if (after.present()) {
    after.AllowOnly({"median", "p95"});
    auto median = after.Number("median", Required::kYes, 1e-3, 1e9);
    auto p95 = after.Number("p95", Required::kYes, 1e-3, 1e9);
    if (median && p95 && *p95 < *median) after.Fail("p95", "expected p95 >= median");
    if (median && p95 && *p95 >= *median) f.disconnect_after_ms = LogNormalSpec{*median, *p95};
  }
  return f;
}

std::optional<ResilienceOptions> ReadResilience(const JsonDocument& doc,
                                                std::vector<std::string>* errors) {
  ObjectReader r(doc, "/resilience", errors, /*required=*/false);
  if (!r.present()) return std::nullopt;
  r.AllowOnly({"breaker", "budget"});
  ResilienceOptions o;
  ObjectReader b(doc, "/resilience/breaker", errors, /*required=*/false);
  if (b.present()) {
    b.AllowOnly({"enabled", "failure_threshold", "cooldown_ms", "half_open_probes"});
    if (auto v = b.Bool("enabled", Required::kNo)) o.breakers_enabled = *v;
    if (auto v = b.Integer("failure_threshold", Required::kNo, 1, 1'000'000)) {
      o.breaker.failure_threshold = static_cast<int>(*v);
    }
    if (auto v = b.Number("cooldown_ms", Required::kNo, 0, 3.6e6)) o.breaker.cooldown_us = Ms(*v);
    if (auto v = b.Integer("half_open_probes", Required::kNo, 1, 1'000'000)) {
      o.breaker.half_open_probes = static_cast<int>(*v);
    }
  }
  ObjectReader g(doc, "/resilience/budget", errors, /*required=*/false);
  if (g.present()) {
    g.AllowOnly({"enabled", "retry_percent", "min_retries_per_second", "window_ms"});
    if (auto v = g.Bool("enabled", Required::kNo)) o.budgets_enabled = *v;
    if (auto v = g.Integer("retry_percent", Required::kNo, 0, 1000)) {
      o.budget.retry_percent = static_cast<int>(*v);
    }
    if (auto v = g.Integer("min_retries_per_second", Required::kNo, 0, 1'000'000)) {
      o.budget.min_retries_per_second = static_cast<int>(*v);
    }
    if (auto v = g.Number("window_ms", Required::kNo, 1, 3.6e6)) o.budget.window_us = Ms(*v);
  }
  return o;
}

}  // namespace agentsim
