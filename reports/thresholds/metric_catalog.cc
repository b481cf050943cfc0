#include "reports/thresholds/metric_catalog.h"

#include <sqlite3.h>

#include <algorithm>

#include "adapters/sqlite/sqlite_handle.h"
#include "reports/report_schema.h"

namespace agentsim {
namespace {

using enum MetricType;
using enum MetricSource;

constexpr MetricDefinition kMetrics[] = {
    {"time_to_first_audio_ms", kTrend, kTurn, "t.time_to_first_audio_us", "ms",
     "end of the user's turn -> first audio byte in the room (turn.time_to_first_audio_us)"},
    {"turn_duration_ms", kTrend, kTurn, "t.turn_total_us", "ms",
     "end of the user's turn -> turn handled, audio scheduled (turn.turn_total_us)"},
    {"llm_ttft_ms", kTrend, kTurn, "t.llm_ttft_us", "ms",
     "structured LLM request sent -> first token (turn.llm_ttft_us)"},
    {"llm_duration_ms", kTrend, kTurn, "t.llm_total_us", "ms",
     "structured LLM request sent -> last token (turn.llm_total_us)"},
    {"tts_ttfb_ms", kTrend, kTurn, "t.tts_ttfb_us", "ms",
     "TTS request sent -> first audio byte (turn.tts_ttfb_us)"},
    {"config_fetch_ms", kTrend, kTurn, "t.config_fetch_us", "ms",
     "configuration lookup at the start of the turn (turn.config_fetch_us)"},
    {"turn_fallback", kRate, kTurn, "t.outcome = 'fallback'", "",
     "share of turns with outcome fallback"},
    {"turn_error", kRate, kTurn, "t.outcome = 'error'", "", "share of turns with outcome error"},
    {"turn_structured", kRate, kTurn, "t.outcome = 'structured'", "",
     "share of turns with outcome structured"},
    {"session_completed", kRate, kSession, "s.status = 'completed'", "",
     "share of sessions with status completed"},
    {"session_refused", kRate, kSession, "s.status = 'refused'", "",
     "share of sessions with status refused"},
    {"cache_l1_hit", kRate, kCacheLevel, "L1", "",
     "L1 config cache hit rate: hits / (hits + misses) of cache_level L1"},
    {"cache_l2_hit", kRate, kCacheLevel, "L2", "",
     "L2 (shared cache) hit rate: hits / (hits + misses) of cache_level L2"},
    {"cache_l3_hit", kRate, kCacheLevel, "L3", "",
     "L3 (document store) hit rate: hits / (hits + misses) of cache_level L3"},
    {"turns", kCounter, kTurn, "1", "", "turns recorded (rows of turn)"},
    {"sessions", kCounter, kSession, "1", "", "sessions recorded (rows of session)"},
    {"check_failures", kCounter, kCheckFailure, "1", "",
     "invariants that did not hold (rows of check_failure)"},
    {"hidden_field_published", kCounter, kCheckFailure, "c.check_name = 'hidden_field_published'",
     "", "hidden fields that reached the room (check_failure rows of that check)"},
};

struct TagCatalog {
  std::vector<TagColumn> turn, session, check_failure;
};

// The TEXT columns of `table` in `db`, qualified with `alias`.
Result<std::vector<TagColumn>> TextColumns(sqlite3* db, std::string_view table,
                                           std::string_view alias) {
  auto stmt = sqlite::Prepare(db, "PRAGMA table_info(" + std::string(table) + ")", ":memory:");
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  std::vector<TagColumn> columns;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
    const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 1));
    const std::string type = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 2));
    if (type != "TEXT") continue;
    columns.push_back({name, std::string(alias) + ".\"" + name + "\""});
  }
  if (columns.empty()) return Internal("report schema: table " + std::string(table) + " not found");
  return columns;
}

Result<TagCatalog> LoadTagCatalog() {
  auto db = sqlite::Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY);
  if (!db) return std::unexpected(std::move(db.error()));
  const std::string ddl(ReportSchemaSql());
  if (auto s = sqlite::Exec(db->get(), ddl.c_str(), ":memory:"); !s) {
    return std::unexpected(Error{ErrorCode::kInternal, s.error().message});
  }
  TagCatalog catalog;
  auto turn = TextColumns(db->get(), "turn", "t");
  if (!turn) return std::unexpected(std::move(turn.error()));
  auto session = TextColumns(db->get(), "session", "s");
  if (!session) return std::unexpected(std::move(session.error()));
  auto check = TextColumns(db->get(), "check_failure", "c");
  if (!check) return std::unexpected(std::move(check.error()));
  catalog.turn = std::move(*turn);
  catalog.turn.push_back({"tenant_id", "s.\"tenant_id\""});
  catalog.session = std::move(*session);
  catalog.check_failure = std::move(*check);
  return catalog;
}

}  // namespace

std::span<const MetricDefinition> Metrics() { return kMetrics; }

const MetricDefinition* FindMetric(std::string_view name) {
  for (const MetricDefinition& m : Metrics()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case kCounter:
      return "counter";
    case kRate:
      return "rate";
    case kTrend:
      return "trend";
  }
  return "?";
}

bool SupportsAggregation(MetricType type, Aggregation aggregation) {
  switch (type) {
    case kCounter:
      return aggregation == Aggregation::kCount || aggregation == Aggregation::kRate;
    case kRate:
      return aggregation == Aggregation::kRate;
    case kTrend:
      return aggregation == Aggregation::kAvg || aggregation == Aggregation::kMin ||
             aggregation == Aggregation::kMax || aggregation == Aggregation::kMed ||
             aggregation == Aggregation::kPercentile;
  }
  return false;
}

std::string_view SupportedAggregations(MetricType type) {
  switch (type) {
    case kCounter:
      return "count, rate";
    case kRate:
      return "rate";
    case kTrend:
      return "avg, min, max, med, p(N)";
  }
  return "";
}

Result<std::span<const TagColumn>> TagColumns(MetricSource source) {
  static const Result<TagCatalog> catalog = LoadTagCatalog();
  if (!catalog) return std::unexpected(catalog.error());
  switch (source) {
    case kTurn:
      return std::span<const TagColumn>(catalog->turn);
    case kSession:
      return std::span<const TagColumn>(catalog->session);
    case kCheckFailure:
      return std::span<const TagColumn>(catalog->check_failure);
    case kCacheLevel:
      return std::span<const TagColumn>();
  }
  return std::span<const TagColumn>();
}

}  // namespace agentsim
