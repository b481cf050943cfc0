#include "sim/runner.h"

#include <cmath>
#include <map>
#include <set>

#include "core/agent/session_manager.h"
#include "core/async/event_loop.h"
#include "core/log/logger.h"
#include "core/schema/schema_registry.h"
#include "core/security/map_secret_resolver.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/mock_shared_cache.h"
#include "sim/sim_client_factory.h"

namespace agentsim {
namespace {

using HiddenSet = std::set<std::string, std::less<>>;

// Everything the session coroutines share. Lives on RunScenario's stack for the whole run.
// One simulated worker process: its own L1 cache, schema registry and sessions.
struct Worker {
  std::unique_ptr<SchemaRegistry> schemas;
  std::unique_ptr<ConfigurationStore> configs;
  std::unique_ptr<SessionManager> sessions;
};

struct World {
  const Scenario* scenario;
  EventLoop* loop;
  Rng users_rng;  // parent of each session's user-behaviour stream
  std::vector<Worker>* workers;
  RoomMonitor* monitor;
  RecordSink* sink;
  Logger log;
  std::vector<std::shared_ptr<const HiddenSet>> hidden_by_agent;
  std::vector<double> cumulative_weights;
  std::uint64_t sessions_started = 0;
  std::uint64_t turns_started = 0;
  std::uint64_t turns_recorded = 0;
};

std::size_t PickAgent(const World& w, Rng& rng) {
  const double x = rng.Uniform01() * w.cumulative_weights.back();
  for (std::size_t i = 0; i < w.cumulative_weights.size(); ++i) {
    if (x < w.cumulative_weights[i]) return i;
  }
  return w.cumulative_weights.size() - 1;
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
      rng.UniformInt(s.workload.min_turns, s.workload.max_turns));
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

Task<void> SimulateSession(World* w, std::int64_t index) {
  const Scenario& s = *w->scenario;
  Rng rng = w->users_rng.Fork(static_cast<std::uint64_t>(index));
  const std::size_t agent_index = PickAgent(*w, rng);
  const AgentConfig& config = *s.agents[agent_index].config;
  const std::int64_t user_number = s.workload.users > 0 ? index % s.workload.users : index;

  SessionRecord session;
  session.session_id = static_cast<std::uint64_t>(index) + 1;
  session.user_id = fmt::format("user-{:06d}", user_number);
  session.tenant_id = config.tenant.tenant_id;
  session.agent_id = config.agent_id;
  session.started_at_us = w->loop->NowMicros();
  std::vector<std::string> utterances = PlanUtterances(s, index, rng, &session.conversation);
  session.turns_planned = static_cast<int>(utterances.size());
  ++w->sessions_started;

  SessionManager* sessions =
      (*w->workers)[static_cast<std::size_t>(index) % w->workers->size()].sessions.get();
  MockRoom room(w->monitor, session.session_id, w->hidden_by_agent[agent_index]);
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
    w->sink->OnSession(session);
    co_return;
  }
  Agent* agent = sessions->Find(*created);
  session.config_version = agent->config().version;

  for (std::string& text : utterances) {
    co_await w->loop->Sleep(SpeakingTime(*w, text));
    const Micros turn_end = w->loop->NowMicros();
    ++w->turns_started;
    ++session.turns_started;
    TurnRecord turn = co_await agent->HandleTurn(std::move(text), turn_end);
    ++w->turns_recorded;
    if (turn.outcome != TurnOutcome::kError) ++session.turns_completed;
    w->sink->OnTurn(turn);
    // Listen to the agent's audio to its end, then think before speaking again.
    if (turn.timings.time_to_first_audio_us >= 0) {
      co_await w->loop->SleepUntil(turn_end + turn.timings.time_to_first_audio_us +
                                   turn.audio_duration_us);
    }
    co_await w->loop->Sleep(s.workload.think_time_ms.SampleMillisAsMicros(rng));
  }
  (void)sessions->EndSession(*created);
  session.status = "completed";
  session.ended_at_us = w->loop->NowMicros();
  w->sink->OnSession(session);
}

Task<void> ArriveSessions(World* w) {
  const WorkloadSpec& workload = w->scenario->workload;
  Rng arrivals = w->users_rng.Fork("arrivals");
  const double mean_gap_us = 1e6 / workload.arrival_rate_per_s;
  for (std::int64_t i = 0; i < workload.sessions; ++i) {
    if (i > 0) {
      co_await w->loop->Sleep(static_cast<Micros>(std::llround(arrivals.Exponential(mean_gap_us))));
    }
    w->loop->Spawn(SimulateSession(w, i), "session-" + std::to_string(i + 1));
  }
}

}  // namespace

RunOutcome RunScenario(const Scenario& scenario, std::uint64_t seed, RecordSink& sink,
                       std::shared_ptr<spdlog::logger> log) {
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
  SimClientFactory clients(&llm, &tts, &secrets);
  RoomMonitor monitor(&loop, &sink);

  std::vector<Worker> workers(static_cast<std::size_t>(scenario.workers));
  for (std::size_t i = 0; i < workers.size(); ++i) {
    Worker& worker = workers[i];
    worker.schemas = std::make_unique<SchemaRegistry>();
    worker.configs = std::make_unique<ConfigurationStore>(
        &store, scenario.shared_cache_enabled ? &shared_cache : nullptr, &loop,
        run.Fork("config_store").Fork(i), scenario.config_store, worker.schemas.get());
    worker.sessions = std::make_unique<SessionManager>(
        AgentServices{&loop, worker.configs.get(), &clients,
                      scenario.quotas_enabled ? &quotas : nullptr},
        run.Fork("agent"), base_log.Bind("worker", std::to_string(i)));
  }

  World world{&scenario, &loop, run.Fork("users"), &workers, &monitor, &sink, base_log,
              {}, {}, 0, 0, 0};
  double total = 0;
  for (const ScenarioAgent& agent : scenario.agents) {
    auto hidden = std::make_shared<HiddenSet>();
    for (const SchemaField& f : agent.config->schema.fields()) {
      if (f.metadata.hidden) hidden->insert(f.name);
    }
    world.hidden_by_agent.push_back(std::move(hidden));
    total += agent.weight;
    world.cumulative_weights.push_back(total);
  }

  loop.Spawn(ArriveSessions(&world), "arrivals");
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
  out.virtual_duration_us = loop.NowMicros();
  out.events_run = loop.events_run();
  out.sessions_started = world.sessions_started;
  out.turns_started = world.turns_started;
  out.turns_recorded = world.turns_recorded;
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
  }
  for (auto& [key, w] : windows) out.cache_windows.push_back(w);
  out.quota_refusals = quotas.Refusals();
  out.clients = clients.stats();
  out.llm = llm.stats();
  out.tts = tts.stats();
  out.room = monitor.stats();
  return out;
}

}  // namespace agentsim
