#include "sim/runner.h"

#include "sim/run_world.h"

namespace agentsim {
namespace run_detail {

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

}  // namespace run_detail

using run_detail::ArriveSessions;
using run_detail::DriveRollout;
using run_detail::DriveTimeline;
using run_detail::HiddenSet;
using run_detail::IsOutageEvent;
using run_detail::OnConfigApplied;
using run_detail::ReportProgress;
using run_detail::World;
using run_detail::Worker;

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
    out.config_parses_reused += worker.configs->parses_reused();
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
