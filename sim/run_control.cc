// RunControl: progress every interval of virtual time, and stopping the run (live abortOnFail).
#include "sim/run_world.h"

namespace agentsim::run_detail {

namespace {

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
  std::vector<World::ActiveSession> in_turn;
  for (const World::ActiveSession& active : w->active_sessions) {
    if (active.manager != nullptr && active.in_turn) in_turn.push_back(active);
  }
  std::ranges::sort(in_turn, {}, &World::ActiveSession::session_id);
  for (const World::ActiveSession& active : in_turn) (void)active.manager->EndSession(active.id);
  MaybeFinish(w);
}

}  // namespace

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

}  // namespace agentsim::run_detail
