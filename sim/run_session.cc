// A simulated user's sessions: routing, the conversation, barge-in, disconnects, dropped arrivals.
#include "sim/run_world.h"

namespace agentsim::run_detail {

namespace {

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

}  // namespace

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
    w->driver->OnSessionEnd(slot, /*not_started=*/true);
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

}  // namespace agentsim::run_detail
