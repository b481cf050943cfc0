// The SQLite report's schema: one place for the DDL, the file's identity (application_id and
// user_version) and the tables the digest covers. docs/report-schema.md documents it for users;
// change both together and bump kReportSchemaVersion when a column changes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace agentsim {

// PRAGMA application_id of every agentsim report: "AGSM" in ASCII.
inline constexpr std::int32_t kReportApplicationId = 0x4147534D;
// PRAGMA user_version: the report schema version.
inline constexpr std::int32_t kReportSchemaVersion = 5;
// The oldest version agentsim still reads: version 4 stored llm_attempt as a table, version 5
// derives its common rows in a view with the same columns (every query reads both alike).
inline constexpr std::int32_t kOldestReadableReportSchemaVersion = 4;

// CREATE TABLE statements for run, run_wall, session, turn, check_failure, the run
// statistics tables (cache_level, cache_window, quota_refusal, counter), threshold, the
// routing tables (session_outcome, timeline_event, config_propagation, experiment_*,
// rollout_evaluation, comparison), the resilience and fault tables, and the llm_attempt view
// over turn and llm_attempt_stored.
std::string_view ReportSchemaSql();

// A table covered by the report digest and the ORDER BY clause that lists its rows in primary-key
// order.
struct DigestTable {
  std::string_view name;
  std::string_view order_by;
};

// run, session, turn, check_failure, cache_level, cache_window, quota_refusal, counter,
// threshold, session_outcome, timeline_event, config_propagation, experiment_variant,
// experiment_metric, experiment_srm, experiment_result, rollout_evaluation, comparison,
// llm_attempt, breaker_transition, injected_fault, chaos_site, in this
// fixed order (run_wall is excluded: wall-clock facts).
std::span<const DigestTable> DigestTables();

}  // namespace agentsim
