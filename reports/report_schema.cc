#include "reports/report_schema.h"

#include <array>

namespace agentsim {
namespace {

// Column order is part of the digest (column names are hashed): append, never reorder.
// llm_attempt is a view (schema version 5): the writer stores a turn's attempts in
// llm_attempt_stored unless the view derives them exactly from the turn row (ReportWriter's
// IsDerivedAttempt), so that the common turn is one row, not two.
constexpr std::string_view kSchemaSql = R"sql(
CREATE TABLE run (
  run_id              INTEGER PRIMARY KEY CHECK (run_id = 1),
  scenario_name       TEXT NOT NULL,
  scenario_sha256     TEXT NOT NULL,
  seed                TEXT NOT NULL,
  parameters_json     TEXT NOT NULL,
  agentsim_version    TEXT NOT NULL,
  virtual_duration_us INTEGER,
  events_run          INTEGER,
  sessions_started    INTEGER,
  turns_started       INTEGER
);
CREATE TABLE run_wall (
  started_at_utc TEXT NOT NULL,
  wall_time_ms   REAL NOT NULL,
  command_line   TEXT NOT NULL
);
CREATE TABLE session (
  session_id      INTEGER PRIMARY KEY,
  user_id         TEXT NOT NULL,
  tenant_id       TEXT NOT NULL,
  agent_id        TEXT NOT NULL,
  config_version  TEXT NOT NULL,
  conversation    TEXT NOT NULL,
  started_at_us   INTEGER NOT NULL,
  ended_at_us     INTEGER NOT NULL,
  turns_planned   INTEGER NOT NULL,
  turns_started   INTEGER NOT NULL,
  turns_completed INTEGER NOT NULL,
  status          TEXT NOT NULL,
  error           TEXT NOT NULL,
  route           TEXT NOT NULL,
  route_key       TEXT NOT NULL,
  variant         INTEGER NOT NULL,
  feature_flags   TEXT NOT NULL
);
CREATE TABLE session_outcome (
  session_id INTEGER NOT NULL,
  name       TEXT NOT NULL,
  value      REAL NOT NULL,
  PRIMARY KEY (session_id, name)
) WITHOUT ROWID;
CREATE TABLE turn (
  session_id             INTEGER NOT NULL,
  turn_index             INTEGER NOT NULL,
  user_turn_end_us       INTEGER NOT NULL,
  agent_id               TEXT NOT NULL,
  config_version         TEXT NOT NULL,
  outcome                TEXT NOT NULL,
  reason                 TEXT NOT NULL,
  validation_errors      INTEGER NOT NULL,
  llm_calls              INTEGER NOT NULL,
  output_tokens          INTEGER NOT NULL,
  published_fields       INTEGER NOT NULL,
  user_text_bytes        INTEGER NOT NULL,
  spoken_text_bytes      INTEGER NOT NULL,
  audio_duration_us      INTEGER NOT NULL,
  config_fetch_us        INTEGER,
  llm_ttft_us            INTEGER,
  llm_total_us           INTEGER,
  parse_validate_us      INTEGER,
  fallback_llm_total_us  INTEGER,
  tts_ttfb_us            INTEGER,
  time_to_first_audio_us INTEGER,
  turn_total_us          INTEGER,
  llm_provider           TEXT NOT NULL,
  llm_attempts           INTEGER NOT NULL,
  text_only              INTEGER NOT NULL,
  coercions              INTEGER NOT NULL,
  coercion_kinds         TEXT NOT NULL,
  text_field_ready_us    INTEGER,
  interrupted            INTEGER NOT NULL,
  sentiment_filled       INTEGER NOT NULL,
  speaking_rate_bytes_per_s REAL,
  PRIMARY KEY (session_id, turn_index)
) WITHOUT ROWID;
CREATE TABLE llm_attempt_stored (
  session_id    INTEGER NOT NULL,
  turn_index    INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  call          INTEGER NOT NULL,
  provider      TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  delay_us      INTEGER NOT NULL,
  outcome       TEXT NOT NULL,
  started_at_us INTEGER NOT NULL,
  duration_us   INTEGER NOT NULL,
  PRIMARY KEY (session_id, turn_index, seq)
) WITHOUT ROWID;
CREATE VIEW llm_attempt AS
-- Every attempt of every LLM call. A turn whose only attempt was one plain successful try of
-- its structured request, sent when the config fetch ended and lasting llm_total_us, is not
-- stored: its row is derived from the turn. Every other turn's attempts are in
-- llm_attempt_stored (docs/report-schema.md). The stored rows come first, so that the view's
-- columns have the table's declared types.
SELECT session_id, turn_index, seq, call, provider, attempt, delay_us, outcome, started_at_us,
       duration_us
  FROM llm_attempt_stored
UNION ALL
SELECT session_id, turn_index, 0, 0, llm_provider, 0, 0, 'ok',
       user_turn_end_us + IFNULL(config_fetch_us, 0), llm_total_us
  FROM turn
 WHERE llm_attempts = 1
   AND NOT EXISTS (SELECT 1 FROM llm_attempt_stored s
                    WHERE s.session_id = turn.session_id AND s.turn_index = turn.turn_index);
CREATE TABLE breaker_transition (
  seq        INTEGER PRIMARY KEY,
  worker     INTEGER NOT NULL,
  provider   TEXT NOT NULL,
  at_us      INTEGER NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  reason     TEXT NOT NULL
);
CREATE TABLE injected_fault (
  seq      INTEGER PRIMARY KEY,
  at_us    INTEGER NOT NULL,
  backend  TEXT NOT NULL,
  provider TEXT NOT NULL,
  kind     TEXT NOT NULL,
  site     TEXT NOT NULL
);
CREATE TABLE chaos_site (
  site          TEXT PRIMARY KEY,
  enabled       INTEGER NOT NULL,
  opportunities INTEGER NOT NULL,
  fired         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE check_failure (
  seq        INTEGER PRIMARY KEY,
  at_us      INTEGER NOT NULL,
  check_name TEXT NOT NULL,
  subject    TEXT NOT NULL,
  detail     TEXT NOT NULL
);
CREATE TABLE cache_level (
  level           TEXT PRIMARY KEY,
  hits            INTEGER NOT NULL,
  misses          INTEGER NOT NULL,
  expirations     INTEGER NOT NULL,
  evictions       INTEGER NOT NULL,
  coalesced_waits INTEGER NOT NULL,
  negative_hits   INTEGER NOT NULL,
  errors          INTEGER NOT NULL,
  loads           INTEGER NOT NULL,
  load_time_us    INTEGER NOT NULL
);
CREATE TABLE cache_window (
  window_start_us INTEGER NOT NULL,
  level           TEXT NOT NULL,
  hits            INTEGER NOT NULL,
  misses          INTEGER NOT NULL,
  PRIMARY KEY (window_start_us, level)
) WITHOUT ROWID;
CREATE TABLE quota_refusal (
  tenant_id TEXT NOT NULL,
  resource  TEXT NOT NULL,
  refusals  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, resource)
) WITHOUT ROWID;
CREATE TABLE counter (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE threshold (
  seq                 INTEGER PRIMARY KEY,
  metric_key          TEXT NOT NULL,
  metric              TEXT NOT NULL,
  expression          TEXT NOT NULL,
  aggregation         TEXT NOT NULL,
  observed            REAL,
  samples             INTEGER NOT NULL,
  passed              INTEGER NOT NULL,
  abort_on_fail       INTEGER NOT NULL,
  delay_abort_eval_us INTEGER
);
CREATE TABLE timeline_event (
  seq     INTEGER PRIMARY KEY,
  at_us   INTEGER NOT NULL,
  source  TEXT NOT NULL,
  kind    TEXT NOT NULL,
  subject TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail  TEXT NOT NULL
);
CREATE TABLE config_propagation (
  sequence           INTEGER NOT NULL,
  worker             INTEGER NOT NULL,
  agent_id           TEXT NOT NULL,
  version            TEXT NOT NULL,
  published_at_us    INTEGER NOT NULL,
  applied_at_us      INTEGER NOT NULL,
  first_served_at_us INTEGER,
  sessions_notified  INTEGER NOT NULL,
  PRIMARY KEY (sequence, worker)
) WITHOUT ROWID;
CREATE TABLE experiment_variant (
  experiment TEXT NOT NULL,
  variant    INTEGER NOT NULL,
  agent_id   TEXT NOT NULL,
  weight     REAL NOT NULL,
  users      INTEGER NOT NULL,
  PRIMARY KEY (experiment, variant)
) WITHOUT ROWID;
CREATE TABLE experiment_metric (
  experiment  TEXT NOT NULL,
  metric      TEXT NOT NULL,
  variant     INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  n           INTEGER NOT NULL,
  sum         REAL NOT NULL,
  sum_squares REAL NOT NULL,
  PRIMARY KEY (experiment, metric, variant)
) WITHOUT ROWID;
CREATE TABLE experiment_srm (
  experiment  TEXT PRIMARY KEY,
  chi2        REAL NOT NULL,
  dof         REAL NOT NULL,
  p_value     REAL NOT NULL,
  total_users INTEGER NOT NULL,
  health      TEXT NOT NULL
);
CREATE TABLE experiment_result (
  experiment   TEXT NOT NULL,
  metric       TEXT NOT NULL,
  variant      INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  n_control    INTEGER NOT NULL,
  n_variant    INTEGER NOT NULL,
  control_mean REAL NOT NULL,
  variant_mean REAL NOT NULL,
  abs_effect   REAL NOT NULL,
  abs_ci_low   REAL NOT NULL,
  abs_ci_high  REAL NOT NULL,
  p_value      REAL NOT NULL,
  lift         REAL NOT NULL,
  lift_ci_low  REAL NOT NULL,
  lift_ci_high REAL NOT NULL,
  status       TEXT NOT NULL,
  PRIMARY KEY (experiment, metric, variant)
) WITHOUT ROWID;
CREATE TABLE rollout_evaluation (
  rollout_id        TEXT NOT NULL,
  stage             INTEGER NOT NULL,
  at_us             INTEGER NOT NULL,
  old_outcomes      INTEGER NOT NULL,
  old_fallback_rate REAL NOT NULL,
  old_error_rate    REAL NOT NULL,
  old_ttfa_p95_us   REAL NOT NULL,
  new_outcomes      INTEGER NOT NULL,
  new_fallback_rate REAL NOT NULL,
  new_error_rate    REAL NOT NULL,
  new_ttfa_p95_us   REAL NOT NULL,
  passed            INTEGER NOT NULL,
  breaches          TEXT NOT NULL,
  PRIMARY KEY (rollout_id, stage)
) WITHOUT ROWID;
CREATE TABLE comparison (
  metric        TEXT NOT NULL,
  variant       TEXT NOT NULL,
  baseline      TEXT NOT NULL,
  pairs         INTEGER NOT NULL,
  baseline_mean REAL NOT NULL,
  variant_mean  REAL NOT NULL,
  mean_diff     REAL NOT NULL,
  ci_low        REAL NOT NULL,
  ci_high       REAL NOT NULL,
  p_value       REAL NOT NULL,
  status        TEXT NOT NULL,
  PRIMARY KEY (metric, variant)
) WITHOUT ROWID;
)sql";

constexpr std::array<DigestTable, 22> kDigestTables = {{
    {"run", "run_id"},
    {"session", "session_id"},
    {"turn", "session_id, turn_index"},
    {"check_failure", "seq"},
    {"cache_level", "level"},
    {"cache_window", "window_start_us, level"},
    {"quota_refusal", "tenant_id, resource"},
    {"counter", "name"},
    {"threshold", "seq"},
    {"session_outcome", "session_id, name"},
    {"timeline_event", "seq"},
    {"config_propagation", "sequence, worker"},
    {"experiment_variant", "experiment, variant"},
    {"experiment_metric", "experiment, metric, variant"},
    {"experiment_srm", "experiment"},
    {"experiment_result", "experiment, metric, variant"},
    {"rollout_evaluation", "rollout_id, stage"},
    {"comparison", "metric, variant"},
    {"llm_attempt", "session_id, turn_index, seq"},
    {"breaker_transition", "seq"},
    {"injected_fault", "seq"},
    {"chaos_site", "site"},
}};

}  // namespace

std::string_view ReportSchemaSql() { return kSchemaSql; }

std::span<const DigestTable> DigestTables() { return kDigestTables; }

}  // namespace agentsim
