#include "sim/workload/workload_json.h"

#include "core/json/object_reader.h"
#include "sim/workload/executor_json.h"
#include "sim/workload/population_json.h"

namespace agentsim {
namespace {

// A lognormal given as {median, p95} (with or without "type"), else nullopt.
std::optional<LogNormalSpec> AsMedianP95(const Distribution& d) {
  const auto* l = std::get_if<LogNormalDistribution>(&d.kind());
  if (l == nullptr || l->median <= 0) return std::nullopt;
  return LogNormalSpec{l->median, l->p95};
}

void ReadTurns(const JsonDocument& doc, const DistributionReadOptions& options,
               WorkloadSpec* w, std::vector<std::string>* errors) {
  const std::string pointer = "/workload/turns_per_session";
  ObjectReader turns(doc, pointer, errors, /*required=*/false);
  if (!turns.present()) return;
  if (turns.Get("type") != nullptr) {
    DistributionReadOptions turn_options = options;
    turn_options.min_value = 0;
    if (auto d = ReadDistribution(doc, pointer, errors, turn_options)) w->turns_distribution = *d;
    return;
  }
  turns.AllowOnly({"min", "max"});
  auto lo = turns.Integer("min", Required::kYes, 1, 10'000);
  auto hi = turns.Integer("max", Required::kYes, 1, 10'000);
  if (lo && hi && *lo > *hi) turns.Fail("max", "expected max >= min");
  if (lo && hi && *lo <= *hi) {
    w->min_turns = *lo;
    w->max_turns = *hi;
  }
}

void ReadBargeIn(const JsonDocument& doc, WorkloadSpec* w, std::vector<std::string>* errors) {
  ObjectReader barge(doc, "/workload/barge_in", errors, /*required=*/false);
  if (!barge.present()) return;
  barge.AllowOnly({"probability", "after_ms"});
  if (auto v = barge.Number("probability", Required::kYes, 0, 1)) w->barge_in_probability = *v;
  if (barge.Get("after_ms") == nullptr) return;
  if (auto d = ReadDistribution(doc, "/workload/barge_in/after_ms", errors)) {
    if (auto l = AsMedianP95(*d)) {
      w->barge_in_after_ms = *l;
    } else {
      barge.Fail("after_ms", "expected a lognormal {\"median\", \"p95\"}");
    }
  }
}

}  // namespace

void ReadWorkloadSpec(const JsonDocument& doc, const ReadFileFn& read_file,
                      WorkloadSpec* workload, bool* random_user_ids,
                      std::vector<std::string>* errors) {
  WorkloadSpec& w = *workload;
  ObjectReader r(doc, "/workload", errors);
  r.AllowOnly({"executor", "sessions", "arrival_rate_per_s", "population", "turns_per_session",
               "think_time_ms", "users", "speech_chars_per_s", "user_ids", "barge_in"});
  if (!r.present()) return;
  DistributionReadOptions options;
  options.read_file = read_file;

  if (r.Get("executor") != nullptr) {
    for (std::string_view old_key : {"sessions", "arrival_rate_per_s"}) {
      if (r.Get(old_key) != nullptr) {
        r.Fail(old_key, "expected either \"executor\" or the old \"sessions\" and "
                        "\"arrival_rate_per_s\", not both");
      }
    }
    w.executor = ReadWorkloadExecutor(doc, "/workload/executor", errors, read_file);
  } else {
    if (auto v = r.Integer("sessions", Required::kYes, 1, 100'000'000)) w.sessions = *v;
    if (auto v = r.Number("arrival_rate_per_s", Required::kYes, 1e-6, 1e7)) {
      w.arrival_rate_per_s = *v;
    }
  }

  if (r.Get("population") != nullptr) {
    for (std::string_view old_key : {"users", "user_ids"}) {
      if (r.Get(old_key) != nullptr) {
        r.Fail(old_key, "expected either \"population\" or the old \"users\" and "
                        "\"user_ids\", not both");
      }
    }
    if (auto p = ReadPopulation(doc, "/workload/population", errors)) {
      w.users = p->users;
      *random_user_ids = p->ids == UserIdStyle::kRandom;
      w.tenants = p->tenants;
    }
  } else {
    if (auto v = r.Enum("user_ids", Required::kNo, {"sequential", "random"})) {
      *random_user_ids = *v == "random";
    }
    if (auto v = r.Integer("users", Required::kNo, 1, 100'000'000)) w.users = *v;
  }

  if (auto v = r.Number("speech_chars_per_s", Required::kNo, 0.1, 1000)) w.speech_chars_per_s = *v;
  ReadTurns(doc, options, &w, errors);
  if (r.Get("think_time_ms") != nullptr) {
    DistributionReadOptions think = options;
    think.min_value = 0;
    if (auto d = ReadDistribution(doc, "/workload/think_time_ms", errors, think)) {
      if (auto l = AsMedianP95(*d)) {
        w.think_time_ms = *l;  // {median, p95}: sampled exactly as before distributions
      } else {
        w.think_time_distribution = *d;
      }
    }
  }
  ReadBargeIn(doc, &w, errors);
}

void AddWorkloadParameters(const WorkloadSpec& w, nlohmann::ordered_json* parameters) {
  nlohmann::ordered_json& p = *parameters;
  if (w.executor) p["executor"] = std::string(ExecutorTypeName(*w.executor));
  if (w.turns_distribution) p["turns_per_session"] = w.turns_distribution->Describe();
  if (w.think_time_distribution) p["think_time_ms"] = w.think_time_distribution->Describe();
  if (!w.tenants.empty()) {
    nlohmann::ordered_json tenants = nlohmann::ordered_json::array();
    for (const TenantShare& t : w.tenants) {
      tenants.push_back({{"tenant_id", t.tenant_id}, {"tier", t.tier}, {"weight", t.weight}});
    }
    p["tenants"] = tenants;
  }
}

}  // namespace agentsim
