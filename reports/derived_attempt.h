// Whether a turn's LLM attempt log is left out of `llm_attempt_stored` because the report's
// `llm_attempt` view derives it exactly from the turn row (reports/report_schema.cc; schema
// version 5, docs/report-schema.md "llm_attempt"). The rule and the view's SELECT must agree:
// the view gives such a turn one attempt with seq 0, call 0, provider = the turn's
// llm_provider, attempt 0, delay_us 0, outcome "ok", started_at_us = user_turn_end_us +
// config_fetch_us (0 when the fetch did not run), duration_us = llm_total_us. Every other
// turn's attempts are stored, so the view lists every attempt either way (the report digest,
// which reads the view, does not change).
#pragma once

#include "core/agent/records.h"

namespace agentsim {

inline bool IsDerivedAttempt(const TurnRecord& turn) {
  if (turn.llm_attempts.size() != 1) return false;
  const LlmAttempt& a = turn.llm_attempts.front();
  const TurnTimings& t = turn.timings;
  const Micros fetch_us = t.config_fetch_us == -1 ? 0 : t.config_fetch_us;
  return a.call == 0 && a.attempt == 0 && a.delay_us == 0 && a.outcome == AttemptOutcome::kOk &&
         t.llm_total_us != -1 && a.duration_us == t.llm_total_us &&
         a.started_at_us == turn.user_turn_end_us + fetch_us && a.provider == turn.llm_provider;
}

}  // namespace agentsim
