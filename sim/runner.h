// The scenario runner: builds one simulated world (event loop on virtual time, mock LLM, TTS,
// rooms and document store, the real core's ConfigurationStore and SessionManager) and drives
// it with the scenario's workload:
//
//   sessions start as the workload's executor says (sim/workload/workload_driver.h; the old
//   form: a Poisson process at workload.arrival_rate_per_s); each picks an agent
//   by weight (or its population tenant's agents), speaks its utterances (speaking takes chars / speech_chars_per_s), waits for the
//   agent's turn, listens to the audio, thinks (think_time_ms), and speaks again.
//
// Every record is streamed to `sink` as it happens. Same scenario + same seed => the same
// records in the same order (docs/determinism.md).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/agent/records.h"
#include "core/agent/client_factory.h"
#include "core/config/configuration_store.h"
#include "core/tenancy/tenant_quota_manager.h"
#include "mocks/chaos.h"
#include "mocks/mock_llm.h"
#include "mocks/mock_room.h"
#include "mocks/mock_tts.h"
#include "core/experiments/ab_test_manager.h"
#include "core/experiments/traffic_router.h"
#include "core/resilience/resilience_registry.h"
#include "sim/scenario.h"

namespace agentsim {

// Something that happened to the system under test at a virtual instant: a timeline action, a
// rollout decision, a config change applied by a worker.
struct TimelineRecord {
  Micros at_us = 0;
  std::string source;   // "timeline" | "rollout" | "hot_reload"
  std::string kind;     // e.g. publish_config, stage_started, rolled_back, config_applied
  std::string subject;  // agent_id@version, rollout id, worker
  std::string outcome;  // "ok", "failed", "not_applied" (the workload ended first)
  std::string detail;
};

// One published config version as one worker learnt of it (hot reload).
struct PropagationRecord {
  std::string agent_id;
  std::string version;
  std::uint64_t sequence = 0;    // change stream sequence
  Micros published_at_us = 0;    // the change's instant in the store
  int worker = 0;
  Micros applied_at_us = 0;      // the worker's watcher invalidated its caches
  Micros first_served_at_us = -1;  // first turn on this worker that used the version; -1 never
  std::uint64_t sessions_notified = 0;
};

struct ExperimentOutcome {
  ExperimentConfig config;
  std::vector<VariantMetrics> variants;  // per variant: users and per-user metric sums
};

struct RolloutOutcome {
  RolloutConfig config;
  RolloutStatus status = RolloutStatus::kPending;
  std::vector<StageEvaluation> evaluations;
};

struct RunOutcome {
  Micros virtual_duration_us = 0;
  std::uint64_t events_run = 0;
  std::uint64_t sessions_started = 0;
  // Open-model arrivals dropped for capacity (the executor's max_concurrent): session rows
  // with status "dropped", never started (k6's dropped_iterations).
  std::uint64_t sessions_dropped = 0;
  std::uint64_t turns_started = 0;
  std::uint64_t turns_recorded = 0;
  std::uint64_t check_failures = 0;
  // Config caching, summed over workers: L1, L2, L3.
  CacheLevelStats cache[3];
  std::vector<CacheWindowStats> cache_windows;  // summed over workers, by (window, level)
  ConnectionPool::Stats pool;                   // summed over workers (max_wait_us: max)
  std::uint64_t isolation_denials = 0;
  std::uint64_t config_parses_reused = 0;  // ConfigurationStore::parses_reused
  std::uint64_t schema_registry_hits = 0;
  std::uint64_t schema_registry_misses = 0;
  std::vector<TenantQuotaManager::Refusal> quota_refusals;
  ClientFactory::Stats clients;
  MockLlm::Stats llm;
  MockTts::Stats tts;
  RoomMonitor::Stats room;
  // Routing, experiments and hot reload.
  std::vector<TimelineRecord> timeline;        // in order of virtual time
  std::vector<PropagationRecord> propagation;  // by (sequence, worker)
  std::vector<ExperimentOutcome> experiments;  // scenario order
  std::optional<RolloutOutcome> rollout;
  // Resilience: breaker state changes per worker (ordered by instant, then worker) and every
  // fault the mocks injected (LLM then TTS, each in issue order).
  std::vector<std::pair<int, ProviderTransition>> breaker_transitions;
  std::vector<InjectedFault> injected_faults;
  // Chaos mode (mocks/chaos.h): every site in table order; empty when chaos is off. The
  // faults the chaos sites, timeline outages, scripted store/L2 outages and room drops injected
  // follow the LLM and TTS ones in injected_faults, in the order injected.
  std::vector<ChaosSiteStats> chaos_sites;
  std::uint64_t barge_ins_during_audio = 0;  // users who spoke over the agent's audio
  std::uint64_t config_watch_polls = 0;
  std::uint64_t config_watch_poll_errors = 0;
  // Set when RunControl::on_progress stopped the run (also in `timeline`, source "run").
  std::optional<TimelineRecord> abort;
};

// The run's state as RunControl::on_progress sees it, at a virtual instant.
struct RunProgress {
  Micros now_us = 0;                  // virtual time
  std::uint64_t sessions_started = 0;
  std::uint64_t sessions_active = 0;  // started and not ended
  std::uint64_t turns_started = 0;
  std::uint64_t turns_recorded = 0;
  // Share of the planned work done, 0 .. 1: virtual time of the executor's planned duration
  // (duration_s, or the stages' total), or for the old workload form (sessions +
  // arrival_rate_per_s) sessions started of `sessions`; -1 when unknown.
  double done = -1;
};

// Why on_progress stops a run: recorded as a timeline row (source "run", outcome "ok").
struct RunAbort {
  std::string kind = "threshold_abort";
  std::string subject;  // e.g. the threshold's metric key
  std::string detail;   // e.g. "p(95)<1500: observed 1734.2 (42 samples)"
};

// Observation and control of a run from outside (the CLI's progress line, live abortOnFail
// thresholds). on_progress is called every progress_interval_us of VIRTUAL time (at
// interval, 2 x interval, ...) while the run is active, never after the last session ended, by
// a task that neither keeps the event loop alive nor draws random numbers: a run with a
// control gives the same records, report rows and digest as one without (events_run excludes
// the control's own events; one exception: a run whose tasks hang, which ends with
// root_unfinished check failures, ends at the first tick after its last event instead of at
// that event). Returning a RunAbort stops the run at that instant: no further
// session arrives, every active session is ended (SessionManager::EndSession: a turn in
// flight is cancelled and still recorded) and is recorded with status "aborted", timeline
// actions not yet due are recorded as not_applied, and RunOutcome::abort is set.
struct RunControl {
  Micros progress_interval_us = 0;  // 0 or no on_progress: no calls
  std::function<std::optional<RunAbort>(const RunProgress&)> on_progress;
};

// Runs `scenario` with `seed` (the CLI's --seed, or scenario.seed). Check failures (hidden field
// published, a session task that threw or never finished, a started turn without a record) go
// to `sink` and are counted in the outcome.
// `control` (optional) observes the run and may stop it early (see RunControl).
RunOutcome RunScenario(const Scenario& scenario, std::uint64_t seed, RecordSink& sink,
                       std::shared_ptr<spdlog::logger> log, const RunControl& control = {});

}  // namespace agentsim
