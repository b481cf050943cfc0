// The metrics thresholds and --summary-export speak of, in k6's terms (trend, rate, counter), and
// where each comes from in the SQLite report. docs/thresholds.md lists them for users.
//
//   trends (ms, the turn's non-NULL timing column / 1000): time_to_first_audio_ms,
//     turn_duration_ms, llm_ttft_ms, llm_duration_ms, tts_ttfb_ms, config_fetch_ms
//   rates (share of non-zero samples): turn_fallback, turn_error, turn_structured (one sample per
//     turn), session_completed, session_refused (one per session), cache_l1_hit, cache_l2_hit,
//     cache_l3_hit (one per lookup: hits / (hits + misses) of the cache_level row)
//   counters: turns, sessions, check_failures, hidden_field_published (check_failure rows with
//     that check_name)
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.h"
#include "reports/thresholds/threshold_grammar.h"

namespace agentsim {

// k6's metric types, without gauges (none of ours is one).
enum class MetricType { kCounter, kRate, kTrend };

// Where a metric's samples come from; decides the tags a threshold may filter on.
enum class MetricSource {
  kTurn,          // table turn (alias t), joined with session (alias s) for tenant_id
  kSession,       // table session (alias s)
  kCheckFailure,  // table check_failure (alias c)
  kCacheLevel,    // one row of table cache_level; no tags
};

struct MetricDefinition {
  std::string_view name;
  MetricType type;
  MetricSource source;
  // Trend: the µs column (qualified, e.g. "t.llm_ttft_us"); rate: the SQL condition of a non-zero
  // sample ("t.outcome = 'fallback'") or, for kCacheLevel, the level ("L1"); counter: the SQL
  // condition a row must meet to count ("1" for every row).
  std::string_view sql;
  std::string_view unit;  // "ms" for trends; "" otherwise
  std::string_view description;
};

// Every metric, in the order of docs/thresholds.md.
std::span<const MetricDefinition> Metrics();

// The metric called `name`, or nullptr.
const MetricDefinition* FindMetric(std::string_view name);

// "counter", "rate", "trend" (k6's names).
std::string_view MetricTypeName(MetricType type);

// Whether k6 allows `aggregation` on a metric of `type`: counter count and rate; rate rate;
// trend avg, min, max, med and p(N).
bool SupportsAggregation(MetricType type, Aggregation aggregation);

// The aggregations SupportsAggregation allows for `type`, as k6 lists them: "avg, min, max, med,
// p(N)".
std::string_view SupportedAggregations(MetricType type);

// A tag a threshold may filter on and the SQL column it compares.
struct TagColumn {
  std::string name;  // e.g. "agent_id"
  std::string sql;   // e.g. "t.\"agent_id\""
};

// The tags of metrics from `source`: every TEXT column of the source table in the current report
// schema (report_schema.h), and for kTurn also the session's tenant_id; none for kCacheLevel.
// Read once from the schema's DDL (an in-memory SQLite database) and then cached.
// Errors: kInternal if the schema cannot be loaded (a bug).
Result<std::span<const TagColumn>> TagColumns(MetricSource source);

}  // namespace agentsim
