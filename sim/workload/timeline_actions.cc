#include "sim/workload/timeline_actions.h"

#include <cmath>

#include <fmt/format.h>

#include "core/json/object_reader.h"

namespace agentsim {

bool IsWorkloadTimelineEvent(const TimelineEventSpec& e) {
  return e.kind == TimelineEventSpec::Kind::kSetArrivalRate ||
         e.kind == TimelineEventSpec::Kind::kSetFeatureFlag;
}

bool ReadWorkloadTimelineAction(const JsonDocument& doc, const std::string& at,
                                const std::string& key, const WorkloadSpec& workload,
                                TimelineEventSpec& e, std::vector<std::string>* errors) {
  const std::size_t before = errors->size();
  ObjectReader o(doc, at + "/" + key, errors);
  if (!o.present()) return false;
  if (key == "set_arrival_rate") {
    e.kind = TimelineEventSpec::Kind::kSetArrivalRate;
    o.AllowOnly({"rate", "time_unit_s"});
    e.arrival_rate = o.Number("rate", Required::kYes, 0, 1e7).value_or(0);
    // Default: the executor's time unit (1 s for the old form).
    e.time_unit_us = kMicrosPerSecond;
    if (workload.executor) {
      if (const auto* c = std::get_if<ConstantArrivalRate>(&*workload.executor)) {
        e.time_unit_us = c->time_unit_us;
      } else if (const auto* r = std::get_if<RampingArrivalRate>(&*workload.executor)) {
        e.time_unit_us = r->time_unit_us;
      }
    }
    if (auto unit = o.Number("time_unit_s", Required::kNo, 0.001, 86400)) {
      e.time_unit_us = std::llround(*unit * 1e6);
    }
    if (workload.executor && !IsOpenModel(*workload.executor)) {
      o.Fail("", "set_arrival_rate needs an arrival-rate executor, but workload.executor is " +
                     std::string(ExecutorTypeName(*workload.executor)) +
                     " (a closed model: its sessions start when earlier ones end)");
    }
  } else {
    e.kind = TimelineEventSpec::Kind::kSetFeatureFlag;
    o.AllowOnly({"agent_id", "flag", "value"});
    e.agent_id = o.String("agent_id", Required::kYes).value_or("");
    e.flag = o.String("flag", Required::kYes).value_or("");
    e.flag_value = o.Bool("value", Required::kYes).value_or(false);
  }
  return errors->size() == before;
}

std::string ClosestName(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  for (const std::string& candidate : candidates) {
    std::string winner = best.empty() ? DidYouMean(word, {candidate})
                                      : DidYouMean(word, {std::string_view(best), candidate});
    if (!winner.empty()) best = std::move(winner);
  }
  return best;
}

bool CheckFeatureFlag(const JsonDocument& doc, const std::string& pointer,
                      const TimelineEventSpec& e, const std::set<std::string>& agent_flags,
                      std::vector<std::string>* errors) {
  std::set<std::string> known = agent_flags;
  known.insert(kAgentReadFeatureFlags.begin(), kAgentReadFeatureFlags.end());
  if (known.contains(e.flag)) return true;
  const std::vector<std::string> names(known.begin(), known.end());
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  const std::string hint = ClosestName(e.flag, names);
  ObjectReader o(doc, pointer, errors);
  o.Fail("flag", "expected a feature flag of agent \"" + e.agent_id + "\" (" + list +
                     "), got \"" + e.flag + "\"" +
                     (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  return false;
}

std::string WorkloadTimelineSubject(const TimelineEventSpec& e) {
  if (e.kind == TimelineEventSpec::Kind::kSetArrivalRate) return "arrivals";
  return e.agent_id + "/" + e.flag;
}

std::string WorkloadTimelineDetail(const TimelineEventSpec& e) {
  if (e.kind == TimelineEventSpec::Kind::kSetArrivalRate) {
    return fmt::format("rate {} per {} s", e.arrival_rate,
                       static_cast<double>(e.time_unit_us) / 1e6);
  }
  return std::string("flag = ") + (e.flag_value ? "true" : "false");
}

std::vector<RateChange> RateChanges(const std::vector<TimelineEventSpec>& timeline) {
  std::vector<RateChange> changes;
  for (const TimelineEventSpec& e : timeline) {
    if (e.kind != TimelineEventSpec::Kind::kSetArrivalRate) continue;
    changes.push_back(RateChange{e.at_us, e.arrival_rate, e.time_unit_us});
  }
  return changes;
}

}  // namespace agentsim
