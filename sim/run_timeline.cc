// The scenario's timeline actions, the rollout's stages and hot-reload bookkeeping, on virtual time.
#include "sim/run_world.h"

namespace agentsim::run_detail {

void ApplyRolloutEvents(World* w, const std::vector<RolloutEvent>& events) {
  const std::string& id = w->router->rollout()->config().id;
  for (const RolloutEvent& e : events) Record(w, "rollout", e.kind, id, "ok", e.detail);
  if (!events.empty() && w->rollout_sleep) w->rollout_sleep->Wake();
}

bool IsOutageEvent(const TimelineEventSpec& e) {
  return e.kind == TimelineEventSpec::Kind::kStartOutage ||
         e.kind == TimelineEventSpec::Kind::kEndOutage;
}

namespace {

// start_outage / end_outage: through the run's FaultControl (an outage never ended lasts to the
// end of the run). Ending an outage that is not active is recorded as "not_active".
void ApplyOutageEvent(World* w, const TimelineEventSpec& e, const std::string& kind,
                      const std::string& subject) {
  if (e.kind == TimelineEventSpec::Kind::kStartOutage) {
    w->faults->StartOutage(e.outage_backend, e.outage_provider);
    Record(w, "timeline", kind, subject, "ok", "");
    return;
  }
  const bool was_active = w->faults->EndOutage(e.outage_backend, e.outage_provider);
  Record(w, "timeline", kind, subject, was_active ? "ok" : "not_active",
         was_active ? "" : "no outage of " + subject + " was active");
}

// set_arrival_rate (applied by the WorkloadDriver, which knows the timeline's rate changes in
// advance; recorded here) and set_feature_flag (an override read by sessions started later).
void ApplyWorkloadEvent(World* w, const TimelineEventSpec& e, const std::string& kind,
                        const std::string& subject) {
  if (e.kind == TimelineEventSpec::Kind::kSetArrivalRate) {
    const Micros end = ExecutorEnd(w->driver->executor());
    if (e.at_us >= end) {
      Record(w, "timeline", kind, subject, "not_applied",
             WorkloadTimelineDetail(e) + "; the executor's arrivals had ended at " +
                 FormatVirtualTime(end));
      return;
    }
  } else {
    w->flag_overrides->Set(e.agent_id, e.flag, e.flag_value);
  }
  Record(w, "timeline", kind, subject, "ok", WorkloadTimelineDetail(e));
}

}  // namespace

// Applies the scenario's timeline through worker 0's ConfigurationStore (the real write path,
// as an admin of the config's tenant). Events due after the workload ended are not applied.
Task<void> DriveTimeline(World* w) {
  ConfigurationStore* store = (*w->workers)[0].configs.get();
  for (const TimelineEventSpec& e : w->scenario->routing.timeline) {
    const bool outage = IsOutageEvent(e);
    const bool workload_event = IsWorkloadTimelineEvent(e);
    const std::string subject =
        workload_event ? WorkloadTimelineSubject(e)
        : outage ? e.outage_backend + (e.outage_provider.empty() ? "" : "/" + e.outage_provider)
                 : e.agent_id + "@" + e.version;
    const std::string kind(TimelineEventKindName(e.kind));
    if (!w->finished && e.at_us > w->loop->NowMicros()) co_await w->timeline_sleep->Until(e.at_us);
    if (w->finished) {
      Record(w, "timeline", kind, subject, "not_applied",
             "due at " + FormatVirtualTime(e.at_us) + "; the workload had ended");
      continue;
    }
    if (outage) {
      ApplyOutageEvent(w, e, kind, subject);
      continue;
    }
    if (workload_event) {
      ApplyWorkloadEvent(w, e, kind, subject);
      continue;
    }
    std::string tenant;
    for (const ScenarioAgent& a : w->scenario->agents) {
      if (a.config->agent_id == e.agent_id) tenant = a.config->tenant.tenant_id;
    }
    for (const TimelineEventSpec& p : w->scenario->routing.timeline) {
      if (p.config && p.agent_id == e.agent_id) tenant = p.config->tenant.tenant_id;
    }
    const Principal admin{"scenario-timeline", Role::kAdmin, tenant};
    Status applied;
    if (e.kind == TimelineEventSpec::Kind::kPublishConfig) {
      Result<ConfigRecord> created = co_await store->CreateAgentConfig(admin, e.json_text);
      if (!created) applied = std::unexpected(created.error());
    } else {
      const bool enable = e.kind == TimelineEventSpec::Kind::kEnableConfig;
      nlohmann::json changes = {{"enabled", enable}};
      applied = co_await store->UpdateAgentConfig(admin, e.agent_id, e.version, changes);
    }
    Record(w, "timeline", kind, subject, applied ? "ok" : "failed",
           applied ? std::string() : applied.error().ToString());
  }
}

// Starts the rollout's stages at their boundaries (held stages: see CountRolloutTurn).
Task<void> DriveRollout(World* w) {
  TrafficRouter* rollout = w->router->rollout();
  ApplyRolloutEvents(w, rollout->EvaluateStage(w->loop->NowMicros()));
  while (!w->finished) {
    const std::optional<Micros> next = rollout->NextBoundaryUs();
    if (!next) break;
    co_await w->rollout_sleep->Until(*next > w->loop->NowMicros() ? *next : kForever);
    if (w->finished) break;
    if (*next <= w->loop->NowMicros()) {
      ApplyRolloutEvents(w, rollout->EvaluateStage(w->loop->NowMicros()));
    }
  }
}

void OnConfigApplied(World* w, int worker, const ConfigUpdateApplied& applied) {
  PropagationRecord p;
  p.agent_id = applied.change.agent_id;
  p.version = applied.change.version;
  p.sequence = applied.change.sequence;
  p.published_at_us = applied.change.at_us;
  p.worker = worker;
  p.applied_at_us = applied.applied_at_us;
  p.sessions_notified = applied.sessions_notified;
  Record(w, "hot_reload", "config_applied", p.agent_id + "@" + p.version, "ok",
         fmt::format("worker {} ({} {}; {} sessions notified)", worker, applied.change.kind,
                     FormatVirtualTime(applied.change.at_us), applied.sessions_notified));
  // Propagation is measured for new versions; flag changes (enable, disable, deprecate) are in
  // the timeline only.
  if (applied.change.kind != "created") return;
  w->awaiting_service[std::make_tuple(worker, p.agent_id, p.version)] = w->propagation.size();
  w->propagation.push_back(std::move(p));
}

}  // namespace agentsim::run_detail
