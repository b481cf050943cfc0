#include "sim/runner.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "core/agent/session_manager.h"
#include "core/async/event_loop.h"
#include "core/async/wakeable_sleep.h"
#include "core/config/config_watcher.h"
#include "core/log/logger.h"
#include "core/schema/schema_registry.h"
#include "core/security/map_secret_resolver.h"
#include "mocks/chaos_clients.h"
#include "mocks/chaos_control.h"
#include "mocks/chaos_stores.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/mock_shared_cache.h"
#include "sim/experiment_tracker.h"
#include "sim/session_router.h"
#include "sim/sim_client_factory.h"
#include "sim/workload/population.h"
#include "sim/workload/timeline_actions.h"
#include "sim/workload/workload_driver.h"

namespace agentsim {
namespace {

using HiddenSet = std::set<std::string, std::less<>>;

constexpr Micros kForever = std::numeric_limits<Micros>::max() / 4;

// One simulated worker process: its own L1 cache, schema registry, sessions and config watcher.
struct Worker {
  std::unique_ptr<SchemaRegistry> schemas;
  std::unique_ptr<ConfigurationStore> configs;
  std::unique_ptr<SessionManager> sessions;
  std::unique_ptr<ConfigWatcher> watcher;
  std::unique_ptr<ResilienceRegistry> resilience;  // breakers and budgets; null: none
};

// Everything the session coroutines share. Lives on RunScenario's stack for the whole run.
struct World {
  World(const Scenario* s, EventLoop* l, Rng users, std::vector<Worker>* w, RoomMonitor* m,
        RecordSink* k, SessionRouter* r, ExperimentTracker* t)
      : scenario(s), loop(l), users_rng(users), workers(w), monitor(m), sink(k), router(r),
        tracker(t) {}
  const Scenario* scenario;
  EventLoop* loop;
  Rng users_rng;  // parent of each session's user-behaviour stream
  std::vector<Worker>* workers;
  RoomMonitor* monitor;
  RecordSink* sink;
  SessionRouter* router;
  ExperimentTracker* tracker;
  FaultControl* faults = nullptr;  // timeline outages, chaos sites, the wrappers' fault log
  Rng room_rng{0};                 // parent of each session's room stream (disconnects)
  bool room_faults = false;        // rooms may disconnect (backends.room.faults or chaos)
  std::vector<std::shared_ptr<const HiddenSet>> hidden_by_agent;
  std::uint64_t sessions_started = 0;
  std::uint64_t turns_started = 0;
  std::uint64_t turns_recorded = 0;
  std::uint64_t barge_ins_during_audio = 0;  // the user spoke over the agent's audio
  // Finishing: when arrivals are done and no session is active, background loops stop.
  bool arrivals_done = false;
  std::uint64_t sessions_active = 0;  // counted from the spawn (WorkloadHooks::start)
  // Workload (sim/workload/): who the users are, when sessions start, flags flipped at runtime.
  const UserPopulation* population = nullptr;
  WorkloadDriver* driver = nullptr;
  FeatureFlagOverrides* flag_overrides = nullptr;
  std::uint64_t sessions_dropped = 0;
  bool finished = false;
  WakeableSleep* timeline_sleep = nullptr;
  WakeableSleep* rollout_sleep = nullptr;
  // RunControl (RunScenario's `control`): the progress task's sleep and its own events (not
  // counted in events_run); an abort; active sessions by id, to end them on abort.
  WakeableSleep* progress_sleep = nullptr;
  std::uint64_t control_events = 0;
  bool aborted = false;
  std::optional<TimelineRecord> abort;
  struct ActiveSession {
    SessionManager* manager = nullptr;
    std::uint64_t id = 0;  // the manager's session id
    bool in_turn = false;  // awaiting Agent::HandleTurn
  };
  std::map<std::uint64_t, ActiveSession> active_sessions;  // by SessionRecord::session_id
  std::vector<TimelineRecord> timeline;
  std::vector<PropagationRecord> propagation;
  // (worker, agent_id, version) -> index into propagation, until first served.
  std::map<std::tuple<int, std::string, std::string>, std::size_t, std::less<>> awaiting_service;
};

void Record(World* w, std::string source, std::string kind, std::string subject,
            std::string outcome, std::string detail) {
  w->timeline.push_back(TimelineRecord{w->loop->NowMicros(), std::move(source), std::move(kind),
                                       std::move(subject), std::move(outcome), std::move(detail)});
}

void MaybeFinish(World* w) {
  if (w->finished || !w->arrivals_done || w->sessions_active > 0) return;
  w->finished = true;
  for (Worker& worker : *w->workers) {
    if (worker.watcher) worker.watcher->Stop();
  }
  if (w->timeline_sleep) w->timeline_sleep->Wake();
  if (w->rollout_sleep) w->rollout_sleep->Wake();
  if (w->progress_sleep) w->progress_sleep->Wake();
}

// Population tenants: a session routed by weights goes to an agent of its user's tenant,
// picked by the agents' weights with one uniform of the session's "tenant_agent" stream (so its
// other draws do not move). Experiments and rollouts decide as before.
std::size_t TenantAgent(const Scenario& s, const TenantShare& tenant, std::size_t routed,
                        const Rng& rng) {
  if (s.agents[routed].config->tenant.tenant_id == tenant.tenant_id) return routed;
  double total = 0;
  for (const ScenarioAgent& a : s.agents) {
    if (a.config->tenant.tenant_id == tenant.tenant_id) total += a.weight;
  }
  Rng draw = rng.Fork("tenant_agent");
  const double u = draw.Uniform01() * total;
  double cumulative = 0;
  std::size_t last = routed;
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    if (s.agents[i].config->tenant.tenant_id != tenant.tenant_id) continue;
    last = i;
    cumulative += s.agents[i].weight;
    if (u < cumulative) return i;
  }
  return last;  // u rounded up to the total (or every weight 0)
}

// The user's side of the conversation for session `index`.
std::vector<std::string> PlanUtterances(const Scenario& s, std::int64_t index, Rng& rng,
                                        std::string* conversation) {
  const UtteranceSource& src = s.utterances;
  if (src.kind == UtteranceSource::Kind::kTranscripts) {
    const Conversation& c =
        src.conversations[static_cast<std::size_t>(index) % src.conversations.size()];
    *conversation = c.id;
    return c.user_turns;
  }
  *conversation = "corpus";
  const auto n = static_cast<std::size_t>(
      s.workload.turns_distribution
          ? std::clamp<std::int64_t>(std::llround(s.workload.turns_distribution->Sample(rng)), 1,
                                     10'000)
          : rng.UniformInt(s.workload.min_turns, s.workload.max_turns));
  const std::size_t stages = src.corpus.utterances_by_stage.size();
  std::vector<std::string> turns;
  turns.reserve(n);
  for (std::size_t t = 0; t < n; ++t) {
    // Stages advance with the conversation: introduction first, closing last.
    const std::size_t stage = n <= 1 ? 0 : t * stages / n;
    const auto& pool = src.corpus.utterances_by_stage[stage];
    turns.push_back(pool[rng.Index(pool.size())]);
  }
  return turns;
}

Micros SpeakingTime(const World& w, const std::string& text) {
  return static_cast<Micros>(std::llround(static_cast<double>(text.size()) /
                                          w.scenario->workload.speech_chars_per_s * 1e6));
}

void ApplyRolloutEvents(World* w, const std::vector<RolloutEvent>& events) {
  const std::string& id = w->router->rollout()->config().id;
  for (const RolloutEvent& e : events) Record(w, "rollout", e.kind, id, "ok", e.detail);
  if (!events.empty() && w->rollout_sleep) w->rollout_sleep->Wake();
}

// Feeds a rollout-routed turn to the router; a held stage is re-evaluated at once.
void CountRolloutTurn(World* w, const TurnRecord& turn) {
  TrafficRouter* rollout = w->router->rollout();
  std::optional<Micros> ttfa;
  if (turn.timings.time_to_first_audio_us >= 0) ttfa = turn.timings.time_to_first_audio_us;
  (void)rollout->RecordOutcome(turn.agent_id, turn.outcome == TurnOutcome::kFallback,
                               turn.outcome == TurnOutcome::kError, ttfa);
  const std::optional<Micros> next = rollout->NextBoundaryUs();
  if (next && *next <= w->loop->NowMicros()) {
    ApplyRolloutEvents(w, rollout->EvaluateStage(w->loop->NowMicros()));
  }
}

void NoteServed(World* w, int worker, const TurnRecord& turn) {
  if (w->awaiting_service.empty()) return;
  auto it = w->awaiting_service.find(std::make_tuple(worker, turn.agent_id, turn.config_version));
  if (it == w->awaiting_service.end()) return;
  w->propagation[it->second].first_served_at_us = w->loop->NowMicros();
  w->awaiting_service.erase(it);
}

std::string FlagsJson(const AgentConfig& config, const FeatureFlagOverrides* overrides) {
  nlohmann::ordered_json flags = nlohmann::ordered_json::object();
  const std::map<std::string, bool> effective =
      overrides ? overrides->Apply(config.agent_id, config.feature_flags) : config.feature_flags;
  for (const auto& [name, on] : effective) flags[name] = on;
  return flags.dump();
}

// Closes a session whose room connection dropped (SessionManager::EndSession: a turn in flight
// is cancelled, its record has reason session_closed). kNotFound when it had already ended.
Task<void> EndSessionNow(SessionManager* sessions, std::uint64_t id) {
  (void)sessions->EndSession(id);
  co_return;
}

// Barge-in: the user starts speaking at `at_us`; a turn still in flight is interrupted.
// `turn_done` is set by the session when the turn returns (the agent may be gone after that).
Task<void> BargeIn(EventLoop* loop, Agent* agent, Micros at_us,
                   std::shared_ptr<bool> turn_done) {
  co_await loop->SleepUntil(at_us);
  if (!*turn_done) agent->Interrupt();
}

// Session `index` of the workload; `slot` is its closed-model user slot (-1: open model),
// handed back to the WorkloadDriver when the session ends. sessions_active was counted at the
// spawn.
Task<void> SimulateSession(World* w, std::int64_t index, std::int64_t slot) {
  const Scenario& s = *w->scenario;
  Rng rng = w->users_rng.Fork(static_cast<std::uint64_t>(index));

  SessionRecord session;
  session.session_id = static_cast<std::uint64_t>(index) + 1;
  const std::int64_t user = w->population->UserOf(index);
  session.user_id = w->population->UserId(user);
  const RouteDecision route = w->router->Route(session.user_id, w->loop->NowMicros(), rng);
  const TenantShare* tenant = w->population->TenantOf(user);
  const std::size_t agent_index =
      tenant != nullptr && route.route == "weights"
          ? TenantAgent(s, *tenant, route.agent_index, rng)
          : route.agent_index;
  const AgentConfig& config = *s.agents[agent_index].config;
  session.tenant_id = config.tenant.tenant_id;
  session.agent_id = config.agent_id;
  session.route = route.route;
  session.route_key = route.key;
  session.variant = route.variant;
  session.started_at_us = w->loop->NowMicros();
  std::vector<std::string> utterances = PlanUtterances(s, index, rng, &session.conversation);
  session.turns_planned = static_cast<int>(utterances.size());
  ++w->sessions_started;
  const bool in_experiment = route.route == "experiment";
  const bool in_rollout = route.route == "rollout";

  const int worker_index = static_cast<int>(static_cast<std::size_t>(index) % w->workers->size());
  SessionManager* sessions = (*w->workers)[static_cast<std::size_t>(worker_index)].sessions.get();
  MockRoom room(w->monitor, session.session_id, w->hidden_by_agent[agent_index]);
  if (w->room_faults) {
    room.EnableFaults(&s.room_faults, w->faults, w->room_rng.Fork(session.session_id));
  }
  Result<std::uint64_t> created = co_await sessions->CreateSession(
      config.agent_id, session.user_id, session.tenant_id, &room,
      SessionOptions{session.session_id});
  if (!created) {
    session.status = created.error().code == ErrorCode::kPermissionDenied ||
                             created.error().code == ErrorCode::kResourceExhausted
                         ? "refused"
                         : "error";
    session.error = created.error().ToString();
    session.ended_at_us = w->loop->NowMicros();
    if (in_experiment) w->tracker->OnSessionEnd(route.key, route.variant, session);
    w->sink->OnSession(session);
    w->driver->OnSessionEnd(slot);
    --w->sessions_active;
    MaybeFinish(w);
    co_return;
  }
  Agent* agent = sessions->Find(*created);
  World::ActiveSession& active = w->active_sessions[session.session_id];
  active = World::ActiveSession{sessions, *created, false};
  session.config_version = agent->config().version;
  session.feature_flags = FlagsJson(agent->config(), w->flag_overrides);
  // A dropped connection cuts the turn in flight at once (Agent::Interrupt only sets a flag:
  // nothing more is published) and closes the session at the same instant through the event
  // loop (EndSessionNow: not inline, the drop may come from inside SessionManager's own loop
  // over its sessions); the session's coroutine then ends it at its next step.
  if (w->room_faults) {
    room.set_on_disconnect([w, agent, sessions, id = *created] {
      agent->Interrupt();
      w->loop->Spawn(EndSessionNow(sessions, id), fmt::format("close-session-{}", id));
    });
  }

  for (std::string& text : utterances) {
    if (w->aborted) break;  // RunControl stopped the run (see Abort)
    if (w->room_faults && !room.CheckConnection()) break;
    co_await w->loop->Sleep(SpeakingTime(*w, text));
    if (w->aborted) break;
    if (w->room_faults && !room.CheckConnection()) break;
    const Micros turn_end = w->loop->NowMicros();
    ++w->turns_started;
    ++session.turns_started;
    // Barge-in, from its own stream per turn so the session's other draws do not move.
    std::optional<Micros> barge_at;
    if (s.workload.barge_in_probability > 0) {
      Rng barge = rng.Fork("barge_in").Fork(static_cast<std::uint64_t>(session.turns_started));
      if (barge.Bernoulli(s.workload.barge_in_probability)) {
        barge_at = turn_end + s.workload.barge_in_after_ms.SampleMillisAsMicros(barge);
      }
    }
    auto turn_done = std::make_shared<bool>(false);
    if (barge_at) {
      w->loop->Spawn(BargeIn(w->loop, agent, *barge_at, turn_done),
                     fmt::format("barge-in-{}-{}", session.session_id, session.turns_started));
    }
    active.in_turn = true;
    TurnRecord turn = co_await agent->HandleTurn(std::move(text), turn_end);
    active.in_turn = false;
    *turn_done = true;
    ++w->turns_recorded;
    if (turn.outcome != TurnOutcome::kError) ++session.turns_completed;
    NoteServed(w, worker_index, turn);
    if (in_experiment) w->tracker->OnTurn(route.key, route.variant, session.user_id, turn);
    if (in_rollout && !w->finished) CountRolloutTurn(w, turn);
    w->sink->OnTurn(turn);
    if (w->aborted) break;
    if (room.disconnected()) break;
    // Listen to the agent's audio to its end (or until the user barges in), then think
    // before speaking again.
    if (turn.timings.time_to_first_audio_us >= 0) {
      Micros listen_until =
          turn_end + turn.timings.time_to_first_audio_us + turn.audio_duration_us;
      if (barge_at && *barge_at < listen_until && *barge_at >= w->loop->NowMicros()) {
        listen_until = *barge_at;
        ++w->barge_ins_during_audio;
      }
      co_await w->loop->SleepUntil(listen_until);
    }
    co_await w->loop->Sleep(SampleThinkTimeMicros(s.workload, rng));
  }
  w->active_sessions.erase(session.session_id);
  (void)sessions->EndSession(*created);  // kNotFound when Abort ended it
  const bool aborted = w->aborted && session.turns_started < session.turns_planned;
  session.status = room.disconnected() ? "disconnected" : aborted ? "aborted" : "completed";
  session.ended_at_us = w->loop->NowMicros();
  if (room.disconnected()) {
    session.error = "UNAVAILABLE: mock room: disconnected at " +
                    FormatVirtualTime(room.disconnected_at_us());
  }
  if (!room.disconnected() && !aborted) {
    session.outcomes = DrawOutcomes(s.routing.outcomes, session.agent_id, rng.Fork("outcomes"));
  }
  if (in_experiment) w->tracker->OnSessionEnd(route.key, route.variant, session);
  w->sink->OnSession(session);
  w->driver->OnSessionEnd(slot);
  --w->sessions_active;
  MaybeFinish(w);
}

// An open-model arrival refused for capacity (max_concurrent): a session row with status
// "dropped", no turns, counted in sessions_dropped. Its user and tenant are the population's; it
// is never routed, so agent_id and route are empty.
void DropSession(World* w, std::int64_t index) {
  SessionRecord session;
  session.session_id = static_cast<std::uint64_t>(index) + 1;
  const std::int64_t user = w->population->UserOf(index);
  session.user_id = w->population->UserId(user);
  if (const TenantShare* tenant = w->population->TenantOf(user)) {
    session.tenant_id = tenant->tenant_id;
  }
  session.route.clear();
  session.feature_flags = "{}";
  session.started_at_us = w->loop->NowMicros();
  session.ended_at_us = session.started_at_us;
  session.status = "dropped";
  session.error = fmt::format(
      "RESOURCE_EXHAUSTED: {} sessions active, the executor's max_concurrent; arrival dropped",
      w->driver->active());
  ++w->sessions_dropped;
  w->sink->OnSession(session);
}

// Starts the workload's sessions through the WorkloadDriver (sim/workload/workload_driver.h).
Task<void> ArriveSessions(World* w) {
  co_await w->driver->Run();
  w->arrivals_done = true;
  // Sessions spawned and not yet started are already counted in sessions_active.
  MaybeFinish(w);
}

RunProgress Progress(const World& w) {
  RunProgress p;
  p.now_us = w.loop->NowMicros();
  p.sessions_started = w.sessions_started;
  p.sessions_active = w.sessions_active;
  p.turns_started = w.turns_started;
  p.turns_recorded = w.turns_recorded;
  // Of the executor's planned duration; the old form (no end): of its session count.
  const WorkloadExecutor& executor = w.driver->executor();
  const Micros end = ExecutorEnd(executor);
  const auto* legacy = std::get_if<ConstantArrivalRate>(&executor);
  if (end != kNoEnd && end > 0) {
    p.done = std::min(1.0, static_cast<double>(p.now_us) / static_cast<double>(end));
  } else if (legacy != nullptr && legacy->max_sessions > 0) {
    p.done = std::min(1.0, static_cast<double>(w.driver->started()) /
                               static_cast<double>(legacy->max_sessions));
  }
  return p;
}

// Stops the run now (RunControl::on_progress asked): no more arrivals; sessions with a turn in
// flight are ended at once (SessionManager::EndSession cancels the turn, whose record still
// comes back), in session id order; the others stop at their next step (SimulateSession checks
// `aborted`) and end as usual. Background loops stop once no session is active.
void Abort(World* w, RunAbort why) {
  w->aborted = true;
  w->arrivals_done = true;
  Record(w, "run", why.kind, why.subject, "ok", why.detail);
  w->abort = w->timeline.back();
  for (const auto& [id, active] : w->active_sessions) {
    if (active.in_turn) (void)active.manager->EndSession(active.id);
  }
  MaybeFinish(w);
}

// Calls RunControl::on_progress every interval of virtual time until the run finishes. Every
// resumption of this task is counted in control_events (subtracted from events_run); it stops
// when woken by MaybeFinish, or when nothing else is queued (the run would end here).
Task<void> ReportProgress(World* w, const RunControl* control) {
  ++w->control_events;  // this start
  while (!w->finished) {
    const bool woken = co_await w->progress_sleep->Until(w->loop->NowMicros() +
                                                         control->progress_interval_us);
    ++w->control_events;
    if (woken || w->finished || w->loop->pending_events() == 0) break;
    std::optional<RunAbort> abort = control->on_progress(Progress(*w));
    if (abort && !w->aborted) {
      Abort(w, std::move(*abort));
      break;
    }
  }
}

bool IsOutageEvent(const TimelineEventSpec& e) {
  return e.kind == TimelineEventSpec::Kind::kStartOutage ||
         e.kind == TimelineEventSpec::Kind::kEndOutage;
}

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

}  // namespace

RunOutcome RunScenario(const Scenario& scenario, std::uint64_t seed, RecordSink& sink,
                       std::shared_ptr<spdlog::logger> log, const RunControl& control) {
  EventLoop loop;
  Rng run(seed);
  Logger base_log(std::move(log), &loop);

  // Shared backends: L3 document store, L2 cache, LLM, TTS, secrets, quotas.
  InMemoryDocumentStore store(&loop, run.Fork("store"), scenario.store);
  TenantQuotaManager quotas(scenario.tiers, &loop);
  for (const auto& [tenant, tier] : scenario.tenant_tiers) (void)quotas.SetTier(tenant, tier);
  for (const ScenarioAgent& agent : scenario.agents) {
    // Each agent counts against its tenant's max_agents; a refused one is never stored, so its
    // sessions fail with NOT_FOUND (and the refusal is in quota_refusal).
    if (scenario.quotas_enabled &&
        !quotas.Acquire(agent.config->tenant.tenant_id, QuotaResource::kAgents)) {
      continue;
    }
    ConfigRecord record;
    record.agent_id = agent.config->agent_id;
    record.version = agent.config->version;
    record.tenant_id = agent.config->tenant.tenant_id;
    record.json_text = agent.json_text;
    record.enabled = agent.config->enabled;
    record.created_by = "scenario";
    (void)store.Seed(std::move(record));
  }
  MockSharedCache shared_cache(&loop, run.Fork("shared_cache"), scenario.shared_cache);
  MockLlm llm(&loop, run.Fork("llm"), scenario.llm, scenario.response_corpus.get());
  MockTts tts(&loop, run.Fork("tts"), scenario.tts);
  MapSecretResolver secrets(scenario.secrets);
  // Faults from outside the backends' models: timeline outages and chaos sites, injected by
  // wrappers only where the scenario can use them (a run without them is unchanged).
  FaultControl fault_control(&loop, scenario.chaos.enabled
                                        ? std::optional<Chaos>(Chaos(scenario.chaos,
                                                                     run.Fork("chaos")))
                                        : std::nullopt);
  auto outage_of = [&](std::string_view backend) {
    return std::any_of(scenario.routing.timeline.begin(), scenario.routing.timeline.end(),
                       [&](const TimelineEventSpec& e) { return e.outage_backend == backend; });
  };
  const bool chaos_on = scenario.chaos.enabled;
  ChaosLlm chaos_llm(&llm, &fault_control, &loop);
  ChaosTts chaos_tts(&tts, &fault_control, &loop);
  ChaosDocumentStore chaos_store(&store, &fault_control, &loop, scenario.store.outages);
  ChaosSharedCache chaos_cache(&shared_cache, &fault_control, &loop,
                               scenario.shared_cache.outages);
  LlmClient* llm_port = chaos_on || outage_of("llm") ? static_cast<LlmClient*>(&chaos_llm) : &llm;
  TtsClient* tts_port = chaos_on || outage_of("tts") ? static_cast<TtsClient*>(&chaos_tts) : &tts;
  DocumentStore* store_port =
      chaos_on || outage_of("store") || !scenario.store.outages.empty()
          ? static_cast<DocumentStore*>(&chaos_store)
          : &store;
  SharedCache* cache_port =
      chaos_on || outage_of("shared_cache") || !scenario.shared_cache.outages.empty()
          ? static_cast<SharedCache*>(&chaos_cache)
          : &shared_cache;
  SimClientFactory clients(llm_port, tts_port, &secrets);
  RoomMonitor monitor(&loop, &sink);

  const HotReloadSpec& reload = scenario.routing.hot_reload;
  FeatureFlagOverrides flag_overrides;  // the timeline's set_feature_flag
  std::vector<Worker> workers(static_cast<std::size_t>(scenario.workers));
  for (std::size_t i = 0; i < workers.size(); ++i) {
    Worker& worker = workers[i];
    worker.schemas = std::make_unique<SchemaRegistry>();
    worker.configs = std::make_unique<ConfigurationStore>(
        store_port, scenario.shared_cache_enabled ? cache_port : nullptr, &loop,
        run.Fork("config_store").Fork(i), scenario.config_store, worker.schemas.get());
    AgentServices services{&loop, worker.configs.get(), &clients,
                           scenario.quotas_enabled ? &quotas : nullptr};
    services.reload_policy = reload.policy;
    services.flag_overrides = &flag_overrides;
    if (scenario.resilience) {
      worker.resilience = std::make_unique<ResilienceRegistry>(*scenario.resilience);
      services.resilience = worker.resilience.get();
    }
    worker.sessions = std::make_unique<SessionManager>(
        services, run.Fork("agent"), base_log.Bind("worker", std::to_string(i)));
  }

  Result<SessionRouter> router = SessionRouter::Create(scenario);
  if (!router) throw std::invalid_argument(router.error().ToString());  // checked at load
  ExperimentTracker tracker(&scenario.routing.outcomes, &router->experiments());
  WakeableSleep timeline_sleep(&loop);
  WakeableSleep rollout_sleep(&loop);
  World world(&scenario, &loop, run.Fork("users"), &workers, &monitor, &sink, &*router,
              &tracker);
  world.timeline_sleep = &timeline_sleep;
  world.rollout_sleep = &rollout_sleep;
  world.faults = &fault_control;
  world.room_rng = run.Fork("room");
  world.flag_overrides = &flag_overrides;
  const UserPopulation population(
      EffectivePopulation(scenario.workload, scenario.routing.random_user_ids), world.users_rng);
  world.population = &population;
  WorkloadHooks hooks;
  hooks.start = [&world](std::int64_t index, std::int64_t slot) {
    ++world.sessions_active;
    world.loop->Spawn(SimulateSession(&world, index, slot), "session-" + std::to_string(index + 1));
  };
  hooks.drop = [&world](std::int64_t index) { DropSession(&world, index); };
  hooks.stopped = [&world] { return world.aborted; };
  WorkloadDriver driver(&loop, EffectiveExecutor(scenario.workload),
                        RateChanges(scenario.routing.timeline), world.users_rng, std::move(hooks));
  world.driver = &driver;
  world.room_faults = scenario.room_faults.any() || chaos_on;
  for (const ScenarioAgent& agent : scenario.agents) {
    auto hidden = std::make_shared<HiddenSet>();
    for (const SchemaField& f : agent.config->schema.fields()) {
      if (f.metadata.hidden) hidden->insert(f.name);
    }
    world.hidden_by_agent.push_back(std::move(hidden));
  }

  // Only scenarios that change configs during the run need watchers.
  const bool watch =
      reload.watch && std::any_of(scenario.routing.timeline.begin(),
                                  scenario.routing.timeline.end(),
                                  [](const TimelineEventSpec& e) { return !IsOutageEvent(e); });
  for (std::size_t i = 0; watch && i < workers.size(); ++i) {
    ConfigWatcherOptions options;
    options.poll_interval_us = reload.poll_interval_us;
    // Workers poll at evenly spread phases, as independent processes would.
    options.first_poll_at_us =
        reload.poll_interval_us * static_cast<Micros>(i) / static_cast<Micros>(workers.size());
    workers[i].watcher = std::make_unique<ConfigWatcher>(
        store_port, workers[i].configs.get(), workers[i].sessions.get(), &loop,
        base_log.Bind("worker", std::to_string(i)), options);
    workers[i].watcher->set_listener([&world, i](const ConfigUpdateApplied& applied) {
      OnConfigApplied(&world, static_cast<int>(i), applied);
    });
    loop.Spawn(workers[i].watcher->Run(), "config-watcher-" + std::to_string(i));
  }
  if (router->rollout() != nullptr) loop.Spawn(DriveRollout(&world), "rollout");
  if (!scenario.routing.timeline.empty()) loop.Spawn(DriveTimeline(&world), "timeline");
  loop.Spawn(ArriveSessions(&world), "arrivals");
  WakeableSleep progress_sleep(&loop);
  if (control.on_progress && control.progress_interval_us > 0) {
    world.progress_sleep = &progress_sleep;
    loop.Spawn(ReportProgress(&world, &control), "progress");
  }
  loop.Run();

  RunOutcome out;
  out.check_failures = monitor.failures().size();
  auto report = [&](std::string check, std::string subject, std::string detail) {
    sink.OnCheckFailure(CheckFailure{loop.NowMicros(), std::move(check), std::move(subject),
                                     std::move(detail)});
    ++out.check_failures;
  };
  for (const EventLoop::RootFailure& f : loop.failures()) {
    report("root_failed", f.name, "threw at " + FormatVirtualTime(f.at_us) + ": " + f.what);
  }
  for (const std::string& name : loop.UnfinishedRoots()) {
    report("root_unfinished", name, "still waiting when the event queue ran empty");
  }
  if (world.turns_recorded != world.turns_started) {
    report("turn_unaccounted", "run",
           fmt::format("{} turns started, {} recorded", world.turns_started,
                       world.turns_recorded));
  }
  if (Status finished = tracker.Finish(); !finished) {
    report("experiment_metrics", "run", finished.error().ToString());
  }
  out.virtual_duration_us = loop.NowMicros();
  out.events_run = loop.events_run() - world.control_events;
  out.abort = world.abort;
  out.sessions_started = world.sessions_started;
  out.sessions_dropped = world.sessions_dropped;
  out.turns_started = world.turns_started;
  out.turns_recorded = world.turns_recorded;
  out.barge_ins_during_audio = world.barge_ins_during_audio;
  std::map<std::pair<Micros, int>, CacheWindowStats> windows;
  for (const Worker& worker : workers) {
    for (int level = 0; level < 3; ++level) {
      const CacheLevelStats& from = worker.configs->stats(static_cast<CacheLevel>(level + 1));
      CacheLevelStats& to = out.cache[level];
      to.hits += from.hits;
      to.misses += from.misses;
      to.expirations += from.expirations;
      to.evictions += from.evictions;
      to.coalesced_waits += from.coalesced_waits;
      to.negative_hits += from.negative_hits;
      to.errors += from.errors;
      to.loads += from.loads;
      to.load_time_us += from.load_time_us;
    }
    for (const CacheWindowStats& w : worker.configs->WindowStats()) {
      CacheWindowStats& to = windows[{w.window_start_us, static_cast<int>(w.level)}];
      to.window_start_us = w.window_start_us;
      to.level = w.level;
      to.hits += w.hits;
      to.misses += w.misses;
    }
    const ConnectionPool::Stats& pool = worker.configs->pool_stats();
    out.pool.acquisitions += pool.acquisitions;
    out.pool.waits += pool.waits;
    out.pool.timeouts += pool.timeouts;
    out.pool.wait_time_us += pool.wait_time_us;
    out.pool.max_wait_us = std::max(out.pool.max_wait_us, pool.max_wait_us);
    out.isolation_denials += worker.configs->isolation_denials();
    out.schema_registry_hits += worker.schemas->stats().hits;
    out.schema_registry_misses += worker.schemas->stats().misses;
    if (worker.resilience) {
      const int index = static_cast<int>(&worker - workers.data());
      for (ProviderTransition& t : worker.resilience->Transitions()) {
        out.breaker_transitions.emplace_back(index, std::move(t));
      }
    }
    if (worker.watcher) {
      out.config_watch_polls += worker.watcher->stats().polls;
      out.config_watch_poll_errors += worker.watcher->stats().poll_errors;
    }
  }
  for (auto& [key, w] : windows) out.cache_windows.push_back(w);
  out.quota_refusals = quotas.Refusals();
  out.clients = clients.stats();
  out.llm = llm.stats();
  out.tts = tts.stats();
  out.room = monitor.stats();
  std::stable_sort(out.breaker_transitions.begin(), out.breaker_transitions.end(),
                   [](const auto& a, const auto& b) {
                     return a.second.transition.at_us < b.second.transition.at_us;
                   });
  out.injected_faults = llm.faults_injected();
  out.injected_faults.insert(out.injected_faults.end(), tts.faults_injected().begin(),
                             tts.faults_injected().end());
  out.injected_faults.insert(out.injected_faults.end(), fault_control.log().begin(),
                             fault_control.log().end());
  if (const Chaos* chaos = fault_control.chaos()) out.chaos_sites = chaos->Stats();
  out.timeline = std::move(world.timeline);
  out.propagation = std::move(world.propagation);
  for (const ExperimentConfig& e : scenario.routing.experiments) {
    ExperimentOutcome experiment;
    experiment.config = e;
    if (auto metrics = router->experiments().Metrics(e.key)) experiment.variants = *metrics;
    out.experiments.push_back(std::move(experiment));
  }
  if (TrafficRouter* rollout = router->rollout()) {
    out.rollout = RolloutOutcome{rollout->config(), rollout->status(), rollout->evaluations()};
  }
  return out;
}

}  // namespace agentsim
