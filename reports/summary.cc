#include "reports/summary.h"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/percentile.h"
#include "adapters/sqlite/sqlite_handle.h"
#include "reports/report_open.h"
#include "reports/sql_query.h"

namespace agentsim {
namespace {

constexpr std::string_view kSessionCountsSql =
    "SELECT COUNT(*), COALESCE(SUM(status = 'completed'), 0), "
    "COALESCE(SUM(status = 'refused'), 0), COALESCE(SUM(status = 'error'), 0), "
    "COALESCE(SUM(status = 'dropped'), 0), COALESCE(SUM(status = 'disconnected'), 0), "
    "COALESCE(SUM(status = 'aborted'), 0) FROM session";
// Every column the summary needs from `turn`, read in one scan by an aggregate function that
// this file registers on its connection (a scan per aggregate, or a row returned per turn, cost
// several times as much). The result equals that of the SQL aggregates COUNT(*),
// SUM(outcome = 'structured'|'fallback'|'error'), GROUP BY reason ORDER BY reason (BINARY
// collation: the byte order of std::string) and the non-NULL timings.
constexpr std::string_view kTurnScanSql =
    "SELECT agentsim_summary_turns(outcome, reason, time_to_first_audio_us, turn_total_us) "
    "FROM turn";

std::string_view ValueText(sqlite3_value* value) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  return text != nullptr
             ? std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(value)))
             : std::string_view();
}

// A nullable INTEGER column in microseconds.
std::optional<Micros> ValueMicros(sqlite3_value* value) {
  if (sqlite3_value_type(value) == SQLITE_NULL) return std::nullopt;
  return sqlite3_value_int64(value);
}

// xStep of agentsim_summary_turns(outcome, reason, time_to_first_audio_us, turn_total_us).
void TurnScanStep(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  auto* tally = static_cast<RowTally*>(sqlite3_user_data(context));
  std::optional<std::string_view> reason;
  if (sqlite3_value_type(argv[1]) != SQLITE_NULL) reason = ValueText(argv[1]);
  tally->AddTurn(ValueText(argv[0]), reason, ValueMicros(argv[2]), ValueMicros(argv[3]));
}

void TurnScanFinal(sqlite3_context* context) { sqlite3_result_null(context); }

// p50/p95/p99 in ms of `values_us`, which it reorders.
LatencySummary LatencyOf(std::vector<double>& values_us) {
  static constexpr double kPs[] = {0.50, 0.95, 0.99};
  double us[3];
  SelectPercentiles(values_us, kPs, us);
  LatencySummary latency;
  latency.count = static_cast<std::int64_t>(values_us.size());
  constexpr double kMicrosPerMs = 1000.0;
  latency.p50_ms = us[0] / kMicrosPerMs;
  latency.p95_ms = us[1] / kMicrosPerMs;
  latency.p99_ms = us[2] / kMicrosPerMs;
  return latency;
}

// Turn counts, reasons and latency percentiles from one scan of `turn`, unless `tally` already
// holds them.
Status ReadTurns(sqlite3* db, const std::string& path, RowTally* tally, Summary& s) {
  RowTally scanned;
  if (tally == nullptr) {
    int rc = sqlite3_create_function_v2(db, "agentsim_summary_turns", 4, SQLITE_UTF8, &scanned,
                                        nullptr, TurnScanStep, TurnScanFinal, nullptr);
    if (rc != SQLITE_OK) {
      return std::unexpected(sqlite::MakeSqliteError(db, rc, path, "agentsim_summary_turns"));
    }
    auto status = ForEachRow(db, kTurnScanSql, path, [](sqlite3_stmt*) {});
    // Unregistered again: `scanned` goes out of scope.
    sqlite3_create_function_v2(db, "agentsim_summary_turns", 4, SQLITE_UTF8, nullptr, nullptr,
                               nullptr, nullptr, nullptr);
    if (!status) return status;
    tally = &scanned;
  }
  tally->TurnsInto(s);
  return {};
}

Status ReadCounts(sqlite3* db, const std::string& path, RowTally* tally, Summary& s) {
  bool has_run = false;
  auto status =
      ForEachRow(db,
                 "SELECT scenario_name, seed, virtual_duration_us, sessions_started, "
                 "turns_started, CASE WHEN json_valid(parameters_json) THEN "
                 "json_extract(parameters_json, '$.command') END IS 'compare' "
                 "FROM run WHERE run_id = 1",
                 path, [&](sqlite3_stmt* stmt) {
                   has_run = true;
                   s.scenario_name = ColumnText(stmt, 0);
                   s.seed = ColumnText(stmt, 1);
                   s.finished = sqlite3_column_type(stmt, 2) != SQLITE_NULL;
                   s.virtual_duration_us = sqlite3_column_int64(stmt, 2);
                   s.sessions_started = sqlite3_column_int64(stmt, 3);
                   s.turns_started = sqlite3_column_int64(stmt, 4);
                   s.compare = sqlite3_column_int(stmt, 5) != 0;
                 });
  if (!status) return status;
  if (!has_run) return InvalidArgument(path + ": not an agentsim report: the run table is empty");
  status =
      ForEachRow(db, "SELECT wall_time_ms FROM run_wall LIMIT 1", path, [&](sqlite3_stmt* stmt) {
        s.has_wall_time = true;
        s.wall_time_ms = sqlite3_column_double(stmt, 0);
      });
  if (!status) return status;
  if (tally != nullptr) {
    tally->SessionsInto(s);
  } else {
    status = ForEachRow(db, kSessionCountsSql, path, [&](sqlite3_stmt* stmt) {
      s.sessions = sqlite3_column_int64(stmt, 0);
      s.sessions_completed = sqlite3_column_int64(stmt, 1);
      s.sessions_refused = sqlite3_column_int64(stmt, 2);
      s.sessions_error = sqlite3_column_int64(stmt, 3);
      s.sessions_dropped = sqlite3_column_int64(stmt, 4);
      s.sessions_disconnected = sqlite3_column_int64(stmt, 5);
      s.sessions_aborted = sqlite3_column_int64(stmt, 6);
    });
    if (!status) return status;
  }
  status = ReadTurns(db, path, tally, s);
  if (!status) return status;
  return ForEachRow(db, "SELECT COUNT(*) FROM check_failure", path,
                    [&](sqlite3_stmt* stmt) { s.check_failures = sqlite3_column_int64(stmt, 0); });
}

// Cache levels and quota refusals.
Status ReadStatistics(sqlite3* db, const std::string& path, Summary& s) {
  auto levels = sqlite::Prepare(db, "SELECT level, hits, misses FROM cache_level ORDER BY level",
                                path);
  if (!levels) return std::unexpected(std::move(levels.error()));
  int rc;
  while ((rc = sqlite3_step(levels->get())) == SQLITE_ROW) {
    s.cache_levels.push_back(
        {reinterpret_cast<const char*>(sqlite3_column_text(levels->get(), 0)),
         sqlite3_column_int64(levels->get(), 1), sqlite3_column_int64(levels->get(), 2)});
  }
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db, rc, path, "cache_level"));
  auto refusals = sqlite::Prepare(
      db, "SELECT tenant_id, resource, refusals FROM quota_refusal ORDER BY tenant_id, resource",
      path);
  if (!refusals) return std::unexpected(std::move(refusals.error()));
  while ((rc = sqlite3_step(refusals->get())) == SQLITE_ROW) {
    s.quota_refusals.push_back(
        {reinterpret_cast<const char*>(sqlite3_column_text(refusals->get(), 0)),
         reinterpret_cast<const char*>(sqlite3_column_text(refusals->get(), 1)),
         sqlite3_column_int64(refusals->get(), 2)});
  }
  if (rc != SQLITE_DONE) {
    return std::unexpected(sqlite::MakeSqliteError(db, rc, path, "quota_refusal"));
  }
  Status status = ForEachRow(db,
                             "SELECT COUNT(*), COALESCE(SUM(enabled), 0), COALESCE(SUM(fired), 0) "
                             "FROM chaos_site",
                             path, [&](sqlite3_stmt* stmt) {
                               s.chaos_sites = sqlite3_column_int64(stmt, 0);
                               s.chaos_sites_on = sqlite3_column_int64(stmt, 1);
                               s.chaos_fired = sqlite3_column_int64(stmt, 2);
                             });
  if (!status) return status;
  // The counters that RowsUnaccounted checks rows against. Reports that have "thresholds" have
  // the threshold table.
  status = ForEachRow(db,
                      "SELECT name, value FROM counter "
                      "WHERE name IN ('thresholds', 'sessions_dropped')",
                      path, [&](sqlite3_stmt* stmt) {
                        (ColumnText(stmt, 0) == "thresholds" ? s.thresholds_evaluated
                                                             : s.sessions_dropped_counted) =
                            sqlite3_column_int64(stmt, 1);
                      });
  if (!status || !s.thresholds_evaluated) return status;
  return ForEachRow(db, "SELECT COUNT(*) FROM threshold", path, [&](sqlite3_stmt* stmt) {
    s.threshold_rows = sqlite3_column_int64(stmt, 0);
  });
}

}  // namespace

void RowTally::AddTurn(std::string_view outcome, std::optional<std::string_view> reason,
                       std::optional<Micros> time_to_first_audio_us,
                       std::optional<Micros> turn_total_us) {
  ++turns_;
  if (outcome == "structured") {
    ++structured_;
  } else if (outcome == "fallback") {
    ++fallback_;
  } else if (outcome == "error") {
    ++error_;
  }
  if (reason && *reason != "ok") {
    auto it = std::find_if(reasons_.begin(), reasons_.end(),
                           [&](const auto& r) { return r.first == *reason; });
    if (it == reasons_.end()) {
      reasons_.emplace_back(std::string(*reason), 1);
    } else {
      ++it->second;
    }
  }
  if (time_to_first_audio_us) {
    time_to_first_audio_us_.push_back(static_cast<double>(*time_to_first_audio_us));
  }
  if (turn_total_us) turn_total_us_.push_back(static_cast<double>(*turn_total_us));
}

void RowTally::AddSession(std::string_view status) {
  ++sessions_.sessions;
  if (status == "completed") {
    ++sessions_.sessions_completed;
  } else if (status == "refused") {
    ++sessions_.sessions_refused;
  } else if (status == "error") {
    ++sessions_.sessions_error;
  } else if (status == "dropped") {
    ++sessions_.sessions_dropped;
  } else if (status == "disconnected") {
    ++sessions_.sessions_disconnected;
  } else if (status == "aborted") {
    ++sessions_.sessions_aborted;
  }
}

void RowTally::SessionsInto(Summary& s) const {
  s.sessions = sessions_.sessions;
  s.sessions_completed = sessions_.sessions_completed;
  s.sessions_refused = sessions_.sessions_refused;
  s.sessions_error = sessions_.sessions_error;
  s.sessions_dropped = sessions_.sessions_dropped;
  s.sessions_disconnected = sessions_.sessions_disconnected;
  s.sessions_aborted = sessions_.sessions_aborted;
}

void RowTally::TurnsInto(Summary& s) {
  s.turns = turns_;
  s.turns_structured = structured_;
  s.turns_fallback = fallback_;
  s.turns_error = error_;
  s.reasons = reasons_;
  std::sort(s.reasons.begin(), s.reasons.end());
  s.time_to_first_audio = LatencyOf(time_to_first_audio_us_);
  s.turn_latency = LatencyOf(turn_total_us_);
}

namespace {

// "1 turn started" / "2 turns started": `noun` takes an "s" unless n is 1.
std::string Counted(std::int64_t n, std::string_view noun, std::string_view rest) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s") + std::string(rest);
}

void AppendMismatch(std::string& out, std::int64_t expected, std::string_view noun,
                    std::string_view verb, std::int64_t rows, std::string_view row_noun,
                    std::string_view row_rest = "") {
  if (expected == rows) return;
  if (!out.empty()) out += ", ";
  out += Counted(expected, noun, verb) + ", " + Counted(rows, row_noun, row_rest);
}

}  // namespace

std::string RowsUnaccounted(const Summary& s) {
  if (!s.finished || s.compare) return "";
  std::string out;
  AppendMismatch(out, s.sessions_started, "session", " started", s.sessions - s.sessions_dropped,
                 "session row", s.sessions_dropped > 0 ? " besides the dropped arrivals" : "");
  AppendMismatch(out, s.turns_started, "turn", " started", s.turns, "turn row");
  if (s.sessions_dropped_counted) {
    AppendMismatch(out, *s.sessions_dropped_counted, "session", " dropped", s.sessions_dropped,
                   "dropped session row");
  }
  if (s.thresholds_evaluated) {
    AppendMismatch(out, *s.thresholds_evaluated, "threshold", " evaluated", s.threshold_rows,
                   "threshold row");
  }
  return out;
}

Result<Summary> ReadSummary(const std::string& db_path, RowTally* rows) {
  auto db = OpenReportReadOnly(db_path);
  if (!db) return std::unexpected(std::move(db.error()));
  Summary s;
  if (auto status = ReadCounts(db->get(), db_path, rows, s); !status) {
    return std::unexpected(std::move(status.error()));
  }
  s.fallback_rate =
      s.turns > 0 ? static_cast<double>(s.turns_fallback) / static_cast<double>(s.turns) : 0.0;
  if (auto status = ReadStatistics(db->get(), db_path, s); !status) {
    return std::unexpected(std::move(status.error()));
  }
  return s;
}

}  // namespace agentsim
