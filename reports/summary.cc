#include "reports/summary.h"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <string_view>

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
constexpr std::string_view kTurnCountsSql =
    "SELECT COUNT(*), COALESCE(SUM(outcome = 'structured'), 0), "
    "COALESCE(SUM(outcome = 'fallback'), 0), COALESCE(SUM(outcome = 'error'), 0) FROM turn";

// Percentiles of the non-NULL values of turn.<column> (µs), converted to ms.
Result<LatencySummary> ReadLatency(sqlite3* db, std::string_view column, const std::string& path) {
  std::string sql = "SELECT ";
  sql += column;
  sql += " FROM turn WHERE ";
  sql += column;
  sql += " IS NOT NULL";
  std::vector<double> values_us;
  auto status = ForEachRow(db, sql, path, [&](sqlite3_stmt* stmt) {
    values_us.push_back(static_cast<double>(sqlite3_column_int64(stmt, 0)));
  });
  if (!status) return std::unexpected(std::move(status.error()));
  std::sort(values_us.begin(), values_us.end());
  LatencySummary latency;
  latency.count = static_cast<std::int64_t>(values_us.size());
  constexpr double kMicrosPerMs = 1000.0;
  latency.p50_ms = PercentileOfSorted(values_us, 0.50) / kMicrosPerMs;
  latency.p95_ms = PercentileOfSorted(values_us, 0.95) / kMicrosPerMs;
  latency.p99_ms = PercentileOfSorted(values_us, 0.99) / kMicrosPerMs;
  return latency;
}

Status ReadCounts(sqlite3* db, const std::string& path, Summary& s) {
  bool has_run = false;
  auto status =
      ForEachRow(db, "SELECT scenario_name, seed, virtual_duration_us FROM run WHERE run_id = 1",
                 path, [&](sqlite3_stmt* stmt) {
                   has_run = true;
                   s.scenario_name = ColumnText(stmt, 0);
                   s.seed = ColumnText(stmt, 1);
                   s.finished = sqlite3_column_type(stmt, 2) != SQLITE_NULL;
                   s.virtual_duration_us = sqlite3_column_int64(stmt, 2);
                 });
  if (!status) return status;
  if (!has_run) return InvalidArgument(path + ": not an agentsim report: the run table is empty");
  status =
      ForEachRow(db, "SELECT wall_time_ms FROM run_wall LIMIT 1", path, [&](sqlite3_stmt* stmt) {
        s.has_wall_time = true;
        s.wall_time_ms = sqlite3_column_double(stmt, 0);
      });
  if (!status) return status;
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
  status = ForEachRow(db, kTurnCountsSql, path, [&](sqlite3_stmt* stmt) {
    s.turns = sqlite3_column_int64(stmt, 0);
    s.turns_structured = sqlite3_column_int64(stmt, 1);
    s.turns_fallback = sqlite3_column_int64(stmt, 2);
    s.turns_error = sqlite3_column_int64(stmt, 3);
  });
  if (!status) return status;
  status = ForEachRow(
      db, "SELECT reason, COUNT(*) FROM turn WHERE reason <> 'ok' GROUP BY reason ORDER BY reason",
      path, [&](sqlite3_stmt* stmt) {
        s.reasons.emplace_back(ColumnText(stmt, 0), sqlite3_column_int64(stmt, 1));
      });
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
  return ForEachRow(db,
                    "SELECT COUNT(*), COALESCE(SUM(enabled), 0), COALESCE(SUM(fired), 0) "
                    "FROM chaos_site",
                    path, [&](sqlite3_stmt* stmt) {
                      s.chaos_sites = sqlite3_column_int64(stmt, 0);
                      s.chaos_sites_on = sqlite3_column_int64(stmt, 1);
                      s.chaos_fired = sqlite3_column_int64(stmt, 2);
                    });
}

}  // namespace

Result<Summary> ReadSummary(const std::string& db_path) {
  auto db = OpenReportReadOnly(db_path);
  if (!db) return std::unexpected(std::move(db.error()));
  Summary s;
  if (auto status = ReadCounts(db->get(), db_path, s); !status) {
    return std::unexpected(std::move(status.error()));
  }
  s.fallback_rate =
      s.turns > 0 ? static_cast<double>(s.turns_fallback) / static_cast<double>(s.turns) : 0.0;
  auto ttfa = ReadLatency(db->get(), "time_to_first_audio_us", db_path);
  if (!ttfa) return std::unexpected(std::move(ttfa.error()));
  s.time_to_first_audio = *ttfa;
  auto latency = ReadLatency(db->get(), "turn_total_us", db_path);
  if (!latency) return std::unexpected(std::move(latency.error()));
  s.turn_latency = *latency;
  if (auto status = ReadStatistics(db->get(), db_path, s); !status) {
    return std::unexpected(std::move(status.error()));
  }
  return s;
}

}  // namespace agentsim
