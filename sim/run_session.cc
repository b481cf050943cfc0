// A simulated user's sessions: routing, the conversation, barge-in, disconnects, dropped arrivals.
#include "sim/run_world.h"

#include <string_view>

#include "core/json/compact_json.h"
#include "core/util/round.h"

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

// The user's side of the conversation for session `index`: views into the scenario's
// corpus or transcripts (they outlive the run); each turn's text is copied when it is spoken.
std::vector<std::string_view> PlanUtterances(const Scenario& s, std::int64_t index, Rng& rng,
                                             std::string* conversation) {
  const UtteranceSource& src = s.utterances;
  if (src.kind == UtteranceSource::Kind::kTranscripts) {
    const Conversation& c =
        src.conversations[static_cast<std::size_t>(index) % src.conversations.size()];
    *conversation = c.id;
    return std::vector<std::string_view>(c.user_turns.begin(), c.user_turns.end());
  }
  *conversation = "corpus";
  const auto n = static_cast<std::size_t>(
      s.workload.turns_distribution
          ? std::clamp<std::int64_t>(RoundHalfAway(s.workload.turns_distribution->Sample(rng)), 1,
                                     10'000)
          : rng.UniformInt(s.workload.min_turns, s.workload.max_turns));
  const std::size_t stages = src.corpus.utterances_by_stage.size();
  std::vector<std::string_view> turns;
  turns.reserve(n);
  for (std::size_t t = 0; t < n; ++t) {
    // Stages advance with the conversation: introduction first, closing last.
    const std::size_t stage = n <= 1 ? 0 : t * stages / n;
    const auto& pool = src.corpus.utterances_by_stage[stage];
    turns.push_back(pool[rng.Index(pool.size())]);
  }
  return turns;
}

Micros SpeakingTime(const World& w, std::string_view text) {
  return static_cast<Micros>(RoundHalfAway(static_cast<double>(text.size()) /
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

// The session's flags as a JSON object's text, byte for byte as nlohmann's dump() of them
// writes it (core/json/compact_json.h), allocated once at its exact size (kept in the session's
// record for the whole session). The config's own map is read in place when no override is set.
std::string FlagsJson(const AgentConfig& config, const FeatureFlagOverrides* overrides) {
  std::map<std::string, bool> applied;
  const std::map<std::string, bool>* effective = &config.feature_flags;
  if (overrides != nullptr && !overrides->empty()) {
    applied = overrides->Apply(config.agent_id, config.feature_flags);
    effective = &applied;
  }
  std::size_t size = 2;  // {}, and each "name":true / "name":false with commas between
  for (const auto& [name, on] : *effective) size += name.size() + (on ? 7 : 8) + 1;
  if (!effective->empty()) --size;
  std::string text;
  text.reserve(size);
  text.push_back('{');
  for (const auto& [name, on] : *effective) {
    if (text.size() > 1) text.push_back(',');
    if (!AppendJsonString(name, text)) {
      // Not UTF-8: dump() throws for it, as it always did.
      nlohmann::ordered_json flags = nlohmann::ordered_json::object();
      for (const auto& [n, v] : *effective) flags[n] = v;
      return flags.dump();
    }
    text.append(on ? ":true" : ":false");
  }
  text.push_back('}');
  text.shrink_to_fit();  // a no-op unless a name needed escapes
  return text;
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

// A turn without a barge-in (virtual times are never negative).
constexpr Micros kNoBargeIn = -1;

// SimulateSession's state that outlives its awaits; the plain functions below do the work
// between them (GCC 12 keeps every local and temporary of a coroutine body in its heap frame
// for the whole session, so the body keeps only this, the room and the turn in flight).
struct SessionState {
  World* w = nullptr;
  std::int64_t slot = -1;
  Rng rng{0};
  SessionRecord session;
  std::size_t agent_index = 0;
  bool in_experiment = false;
  bool in_rollout = false;
  int worker_index = 0;  // its SessionManager: Sessions(st)
  std::uint32_t active_slot = 0;  // its World::active_sessions slot: Active(st)
  std::vector<std::string_view> utterances;  // into the scenario (PlanUtterances)
  std::uint64_t id = 0;  // the manager's session id
  Agent* agent = nullptr;
  // The turn in flight, and its record (Agent::RunTurn resets and writes it; AfterTurn reads it;
  // kept between turns so that its storage is reused).
  TurnRecord turn;
  Micros turn_end = 0;
  Micros barge_at = kNoBargeIn;
  std::shared_ptr<bool> turn_done;  // set (and shared with BargeIn) when barge_at is
};

// The SessionManager of the session's worker (not kept in the session's frame: see
// SimulateSession's frame size in docs/performance.md, tenth round).
SessionManager* Sessions(const SessionState& st) {
  return (*st.w->workers)[static_cast<std::size_t>(st.worker_index)].sessions.get();
}

World::ActiveSession& Active(const SessionState& st) {
  return st.w->active_sessions[st.active_slot];
}

// Routes the session and plans its utterances.
void PlanSession(World* w, std::int64_t index, SessionState& st) {
  const Scenario& s = *w->scenario;
  st.w = w;
  st.rng = w->users_rng.Fork(static_cast<std::uint64_t>(index));
  SessionRecord& session = st.session;
  session.session_id = static_cast<std::uint64_t>(index) + 1;
  const std::int64_t user = w->population->UserOf(index);
  session.user_id = w->population->UserId(user);
  const RouteDecision route = w->router->Route(session.user_id, w->loop->NowMicros(), st.rng);
  const TenantShare* tenant = w->population->TenantOf(user);
  st.agent_index = tenant != nullptr && route.route == "weights"
                       ? TenantAgent(s, *tenant, route.agent_index, st.rng)
                       : route.agent_index;
  const AgentConfig& config = *s.agents[st.agent_index].config;
  session.tenant_id = config.tenant.tenant_id;
  session.agent_id = config.agent_id;
  session.route = route.route;
  session.route_key = route.key;
  session.variant = route.variant;
  session.started_at_us = w->loop->NowMicros();
  st.utterances = PlanUtterances(s, index, st.rng, &session.conversation);
  session.turns_planned = static_cast<int>(st.utterances.size());
  ++w->sessions_started;
  st.in_experiment = route.route == "experiment";
  st.in_rollout = route.route == "rollout";
  st.worker_index = static_cast<int>(static_cast<std::size_t>(index) % w->workers->size());
}

void EnableRoomFaults(SessionState& st, MockRoom& room) {
  World* w = st.w;
  if (w->room_faults) {
    room.EnableFaults(&w->scenario->room_faults, w->faults,
                      w->room_rng.Fork(st.session.session_id));
  }
}

void SessionRefused(SessionState& st, const Error& error) {
  World* w = st.w;
  SessionRecord& session = st.session;
  session.status = error.code == ErrorCode::kPermissionDenied ||
                           error.code == ErrorCode::kResourceExhausted
                       ? "refused"
                       : "error";
  session.error = error.ToString();
  session.ended_at_us = w->loop->NowMicros();
  if (st.in_experiment) w->tracker->OnSessionEnd(session.route_key, session.variant, session);
  w->sink->OnSession(session);
  w->driver->OnSessionEnd(st.slot, /*not_started=*/true);
  --w->sessions_active;
  MaybeFinish(w);
}

void SessionCreated(SessionState& st, MockRoom& room, std::uint64_t id) {
  World* w = st.w;
  st.id = id;
  SessionManager* sessions = Sessions(st);
  st.agent = sessions->Find(id);
  if (w->free_active_slots.empty()) {
    st.active_slot = static_cast<std::uint32_t>(w->active_sessions.size());
    w->active_sessions.emplace_back();
  } else {
    st.active_slot = w->free_active_slots.back();
    w->free_active_slots.pop_back();
  }
  Active(st) = World::ActiveSession{sessions, id, st.session.session_id, false};
  st.session.config_version = st.agent->config().version;
  st.session.feature_flags = FlagsJson(st.agent->config(), w->flag_overrides);
  // A dropped connection cuts the turn in flight at once (Agent::Interrupt only sets a flag:
  // nothing more is published) and closes the session at the same instant through the event
  // loop (EndSessionNow: not inline, the drop may come from inside SessionManager's own loop
  // over its sessions); the session's coroutine then ends it at its next step.
  if (w->room_faults) {
    room.set_on_disconnect([w, agent = st.agent, sessions, id] {
      agent->Interrupt();
      w->loop->Spawn(EndSessionNow(sessions, id), fmt::format("close-session-{}", id));
    });
  }
}

// Opens the agent's session: SessionCreated, or SessionRefused and false. Its own coroutine, so
// that the manager's result is not kept in SimulateSession's frame for the whole session.
Task<bool> OpenAgentSession(SessionState* st, MockRoom* room) {
  const AgentConfig& config = *st->w->scenario->agents[st->agent_index].config;
  SessionOptions options;
  options.session_id = st->session.session_id;
  Result<std::uint64_t> created = co_await Sessions(*st)->CreateSession(
      config.agent_id, st->session.user_id, st->session.tenant_id, room, options);
  if (!created) {
    SessionRefused(*st, created.error());
    co_return false;
  }
  SessionCreated(*st, *room, *created);
  co_return true;
}

// False when the session stops before its next utterance.
bool GoesOn(const SessionState& st, MockRoom& room) {
  if (st.w->aborted) return false;  // RunControl stopped the run (see Abort)
  return !(st.w->room_faults && !room.CheckConnection());
}

// The user's turn ended now: counts it and decides its barge-in.
Task<void> StartTurn(SessionState& st, std::string_view text) {
  World* w = st.w;
  const Scenario& s = *w->scenario;
  st.turn_end = w->loop->NowMicros();
  ++w->turns_started;
  ++st.session.turns_started;
  // Barge-in, from its own stream per turn so the session's other draws do not move.
  st.barge_at = kNoBargeIn;
  if (s.workload.barge_in_probability > 0) {
    Rng barge = st.rng.Fork("barge_in").Fork(static_cast<std::uint64_t>(st.session.turns_started));
    if (barge.Bernoulli(s.workload.barge_in_probability)) {
      st.barge_at = st.turn_end + s.workload.barge_in_after_ms.SampleMillisAsMicros(barge);
    }
  }
  if (st.barge_at != kNoBargeIn) {
    // Only a barge-in needs to know when the turn returned: no allocation for the other turns.
    st.turn_done = std::make_shared<bool>(false);
    w->loop->Spawn(BargeIn(w->loop, st.agent, st.barge_at, st.turn_done),
                   fmt::format("barge-in-{}-{}", st.session.session_id, st.session.turns_started));
  }
  Active(st).in_turn = true;
  return st.agent->RunTurn(std::string(text), st.turn_end, &st.turn);
}

// After the turn: records it. Returns the instant the user listens until (the agent's audio,
// or the barge-in), -1 when there is nothing to listen to, kStop when the session ends now.
constexpr Micros kStop = -2;
Micros AfterTurn(SessionState& st, MockRoom& room) {
  // Kept between turns: the next turn's Agent::StartTurn resets it and reuses its storage.
  const TurnRecord& turn = st.turn;
  World* w = st.w;
  SessionRecord& session = st.session;
  Active(st).in_turn = false;
  if (st.turn_done) {
    *st.turn_done = true;
    st.turn_done.reset();
  }
  ++w->turns_recorded;
  if (turn.outcome != TurnOutcome::kError) ++session.turns_completed;
  NoteServed(w, st.worker_index, turn);
  if (st.in_experiment) {
    w->tracker->OnTurn(session.route_key, session.variant, session.user_id, turn);
  }
  if (st.in_rollout && !w->finished) CountRolloutTurn(w, turn);
  w->sink->OnTurn(turn);
  if (w->aborted) return kStop;
  if (room.disconnected()) return kStop;
  // Listen to the agent's audio to its end (or until the user barges in), then think
  // before speaking again.
  if (turn.timings.time_to_first_audio_us < 0) return -1;
  Micros listen_until =
      st.turn_end + turn.timings.time_to_first_audio_us + turn.audio_duration_us;
  if (st.barge_at != kNoBargeIn && st.barge_at < listen_until &&
      st.barge_at >= w->loop->NowMicros()) {
    listen_until = st.barge_at;
    ++w->barge_ins_during_audio;
  }
  return listen_until;
}

void EndSessionRun(SessionState& st, MockRoom& room) {
  World* w = st.w;
  SessionRecord& session = st.session;
  Active(st) = World::ActiveSession{};
  w->free_active_slots.push_back(st.active_slot);
  (void)Sessions(st)->EndSession(st.id);  // kNotFound when Abort ended it
  const bool aborted = w->aborted && session.turns_started < session.turns_planned;
  session.status = room.disconnected() ? "disconnected" : aborted ? "aborted" : "completed";
  session.ended_at_us = w->loop->NowMicros();
  if (room.disconnected()) {
    session.error = "UNAVAILABLE: mock room: disconnected at " +
                    FormatVirtualTime(room.disconnected_at_us());
  }
  if (!room.disconnected() && !aborted) {
    session.outcomes =
        DrawOutcomes(w->scenario->routing.outcomes, session.agent_id, st.rng.Fork("outcomes"));
  }
  if (st.in_experiment) w->tracker->OnSessionEnd(session.route_key, session.variant, session);
  w->sink->OnSession(session);
  w->driver->OnSessionEnd(st.slot);
  --w->sessions_active;
  MaybeFinish(w);
}

Micros ThinkTime(SessionState& st) { return SampleThinkTimeMicros(st.w->scenario->workload, st.rng); }

}  // namespace

// Session `index` of the workload; `slot` is its closed-model user slot (-1: open model),
// handed back to the WorkloadDriver when the session ends. sessions_active was counted at the
// spawn.
Task<void> SimulateSession(World* w, std::int64_t index, std::int64_t slot) {
  SessionState st;
  st.slot = slot;
  PlanSession(w, index, st);
  MockRoom room(w->monitor, st.session.session_id, w->hidden_by_agent[st.agent_index]);
  EnableRoomFaults(st, room);
  if (!co_await OpenAgentSession(&st, &room)) co_return;
  for (const std::string_view& text : st.utterances) {
    if (!GoesOn(st, room)) break;
    co_await w->loop->Sleep(SpeakingTime(*w, text));
    if (!GoesOn(st, room)) break;
    co_await StartTurn(st, text);
    const Micros listen_until = AfterTurn(st, room);
    if (listen_until == kStop) break;
    if (listen_until >= 0) co_await w->loop->SleepUntil(listen_until);
    co_await w->loop->Sleep(ThinkTime(st));
  }
  EndSessionRun(st, room);
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
