// The simulator's internals shared by the runner's files (sim/runner.cc: the run itself;
// sim/run_session.cc: a simulated user's sessions and the arrivals; sim/run_timeline.cc: the
// timeline, the rollout, hot-reload bookkeeping; sim/run_control.cc: progress and abort). Not a
// public API: only sim/run_*.cc and sim/runner.cc include it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

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
#include "sim/runner.h"
#include "sim/session_router.h"
#include "sim/sim_client_factory.h"
#include "sim/workload/population.h"
#include "sim/workload/timeline_actions.h"
#include "sim/workload/workload_driver.h"

namespace agentsim::run_detail {

using HiddenSet = std::set<std::string, std::less<>>;

inline constexpr Micros kForever = std::numeric_limits<Micros>::max() / 4;

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
    SessionManager* manager = nullptr;  // null: a free slot
    std::uint64_t id = 0;          // the manager's session id
    std::uint64_t session_id = 0;  // SessionRecord::session_id (Abort's order)
    bool in_turn = false;          // awaiting Agent::RunTurn
  };
  // Sessions created and not yet ended, in slots reused through free_active_slots (a session
  // keeps its slot's index; no tree node per session: the std::map this replaces was ~0.7% of a
  // load run). Abort sorts them by session_id.
  std::vector<ActiveSession> active_sessions;
  std::vector<std::uint32_t> free_active_slots;
  std::vector<TimelineRecord> timeline;
  std::vector<PropagationRecord> propagation;
  // (worker, agent_id, version) -> index into propagation, until first served.
  std::map<std::tuple<int, std::string, std::string>, std::size_t, std::less<>> awaiting_service;
};

// Appends a timeline_event row at the current virtual instant.
void Record(World* w, std::string source, std::string kind, std::string subject,
            std::string outcome, std::string detail);
// Ends the run's background loops once arrivals are done and no session is active.
void MaybeFinish(World* w);

// run_session.cc
// Simulated session `index` (its user slot `slot` in a closed model): routes, creates the
// session, speaks its utterances, records every turn and the session.
Task<void> SimulateSession(World* w, std::int64_t index, std::int64_t slot);
// An open-model arrival refused for capacity: a "dropped" session row.
void DropSession(World* w, std::int64_t index);
// Starts the workload's sessions through the WorkloadDriver; sets arrivals_done at its end.
Task<void> ArriveSessions(World* w);

// run_timeline.cc
bool IsOutageEvent(const TimelineEventSpec& e);  // start_outage or end_outage
void ApplyRolloutEvents(World* w, const std::vector<RolloutEvent>& events);
Task<void> DriveTimeline(World* w);
Task<void> DriveRollout(World* w);
void OnConfigApplied(World* w, int worker, const ConfigUpdateApplied& applied);

// run_control.cc
Task<void> ReportProgress(World* w, const RunControl* control);

}  // namespace agentsim::run_detail
