#include "reports/thresholds/threshold_table.h"

#include <sqlite3.h>

#include "reports/report_open.h"

namespace agentsim {
namespace {

constexpr std::string_view kInsertSql =
    "INSERT INTO threshold (seq, metric_key, metric, expression, aggregation, observed, samples, "
    "passed, abort_on_fail, delay_abort_eval_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectSql =
    "SELECT metric_key, metric, expression, aggregation, observed, samples, passed, "
    "abort_on_fail, delay_abort_eval_us FROM threshold ORDER BY seq";

int BindText(sqlite3_stmt* stmt, int index, const std::string& text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text != nullptr ? std::string(text, sqlite3_column_bytes(stmt, column)) : std::string();
}

Status InsertAll(sqlite3* db, const std::string& path, std::span<const ThresholdResult> results) {
  if (auto s = sqlite::Exec(db, "DELETE FROM threshold", path); !s) return s;
  auto stmt = sqlite::Prepare(db, kInsertSql, path);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  sqlite3_stmt* insert = stmt->get();
  std::int64_t seq = 0;
  for (const ThresholdResult& r : results) {
    int rc = sqlite3_bind_int64(insert, 1, ++seq);
    if (rc == SQLITE_OK) rc = BindText(insert, 2, r.metric_key);
    if (rc == SQLITE_OK) rc = BindText(insert, 3, r.metric);
    if (rc == SQLITE_OK) rc = BindText(insert, 4, r.expression);
    if (rc == SQLITE_OK) rc = BindText(insert, 5, r.aggregation);
    if (rc == SQLITE_OK) {
      rc = r.observed ? sqlite3_bind_double(insert, 6, *r.observed) : sqlite3_bind_null(insert, 6);
    }
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(insert, 7, r.samples);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(insert, 8, r.passed ? 1 : 0);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(insert, 9, r.abort_on_fail ? 1 : 0);
    if (rc == SQLITE_OK) {
      rc = r.delay_abort_eval_us ? sqlite3_bind_int64(insert, 10, *r.delay_abort_eval_us)
                                 : sqlite3_bind_null(insert, 10);
    }
    if (rc == SQLITE_OK) rc = sqlite3_step(insert);
    if (rc != SQLITE_DONE) {
      return std::unexpected(sqlite::MakeSqliteError(db, rc, path, "inserting a threshold row"));
    }
    sqlite3_reset(insert);
    sqlite3_clear_bindings(insert);
  }
  return {};
}

}  // namespace

Status WriteThresholdResults(sqlite3* db, const std::string& path,
                             std::span<const ThresholdResult> results) {
  if (auto s = sqlite::Exec(db, "BEGIN", path); !s) return s;
  Status inserted = InsertAll(db, path, results);
  if (!inserted) {
    (void)sqlite::Exec(db, "ROLLBACK", path);
    return inserted;
  }
  return sqlite::Exec(db, "COMMIT", path);
}

Status WriteThresholdResultsToReport(const std::string& path,
                                     std::span<const ThresholdResult> results) {
  if (auto checked = OpenReportReadOnly(path); !checked) {
    return std::unexpected(std::move(checked.error()));
  }
  auto db = sqlite::Open(path, SQLITE_OPEN_READWRITE);
  if (!db) return std::unexpected(std::move(db.error()));
  return WriteThresholdResults(db->get(), path, results);
}

Result<std::optional<std::vector<ThresholdResult>>> ReadThresholdResults(const std::string& path) {
  auto db = OpenReportReadOnly(path);
  if (!db) return std::unexpected(std::move(db.error()));
  auto exists = sqlite::ReadIntPragma(
      db->get(), "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'threshold'",
      path);
  if (!exists) return std::unexpected(std::move(exists.error()));
  if (*exists == 0) return std::optional<std::vector<ThresholdResult>>();
  auto stmt = sqlite::Prepare(db->get(), kSelectSql, path);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  std::vector<ThresholdResult> results;
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    sqlite3_stmt* s = stmt->get();
    ThresholdResult& r = results.emplace_back();
    r.metric_key = ColumnText(s, 0);
    r.metric = ColumnText(s, 1);
    r.expression = ColumnText(s, 2);
    r.aggregation = ColumnText(s, 3);
    if (sqlite3_column_type(s, 4) != SQLITE_NULL) r.observed = sqlite3_column_double(s, 4);
    r.samples = sqlite3_column_int64(s, 5);
    r.passed = sqlite3_column_int64(s, 6) != 0;
    r.abort_on_fail = sqlite3_column_int64(s, 7) != 0;
    if (sqlite3_column_type(s, 8) != SQLITE_NULL)
      r.delay_abort_eval_us = sqlite3_column_int64(s, 8);
  }
  if (rc != SQLITE_DONE) {
    return std::unexpected(sqlite::MakeSqliteError(db->get(), rc, path, kSelectSql));
  }
  return std::optional<std::vector<ThresholdResult>>(std::move(results));
}

}  // namespace agentsim
