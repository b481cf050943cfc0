#include "reports/report_schema.h"

#include <array>

namespace agentsim {
namespace {

// Column order is part of the digest (column names are hashed): append, never reorder.
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
  error           TEXT NOT NULL
);
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
  PRIMARY KEY (session_id, turn_index)
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
)sql";

constexpr std::array<DigestTable, 9> kDigestTables = {{
    {"run", "run_id"},
    {"session", "session_id"},
    {"turn", "session_id, turn_index"},
    {"check_failure", "seq"},
    {"cache_level", "level"},
    {"cache_window", "window_start_us, level"},
    {"quota_refusal", "tenant_id, resource"},
    {"counter", "name"},
    {"threshold", "seq"},
}};

}  // namespace

std::string_view ReportSchemaSql() { return kSchemaSql; }

std::span<const DigestTable> DigestTables() { return kDigestTables; }

}  // namespace agentsim
