// ReportWriter::WriteStatistics: the run-level statistics tables.
#include <sqlite3.h>

#include "reports/report_writer.h"
#include "reports/sql_row.h"

namespace agentsim {

Status ReportWriter::WriteStatistics(const RunStatistics& statistics) {
  if (finished_ || statistics_written_) {
    return FailedPrecondition(path_ + ": WriteStatistics must be called once, before Finish");
  }
  statistics_written_ = true;
  if (!CanWrite()) return std::unexpected(*error_);
  auto run = [&](const char* sql, auto&& each) -> Status {
    auto stmt = sqlite::Prepare(db_.get(), sql, path_);
    if (!stmt) return std::unexpected(std::move(stmt.error()));
    return each(stmt->get());
  };
  auto check = [&](int rc, const char* what) -> Status {
    if (rc == SQLITE_DONE) return {};
    return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, what));
  };
  Status s = run(
      "INSERT INTO cache_level VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      [&](sqlite3_stmt* stmt) -> Status {
        for (const CacheLevelRow& r : statistics.cache_levels) {
          int rc = SqlRow(stmt).Text(r.level).Uint(r.hits).Uint(r.misses).Uint(r.expirations)
                       .Uint(r.evictions).Uint(r.coalesced_waits).Uint(r.negative_hits)
                       .Uint(r.errors).Uint(r.loads).Int(r.load_time_us).Step();
          if (Status c = check(rc, "insert into cache_level"); !c) return c;
        }
        return {};
      });
  if (s) {
    s = run("INSERT INTO cache_window VALUES (?1, ?2, ?3, ?4)", [&](sqlite3_stmt* stmt) -> Status {
      for (const CacheWindowRow& r : statistics.cache_windows) {
        int rc = SqlRow(stmt).Int(r.window_start_us).Text(r.level).Uint(r.hits).Uint(r.misses).Step();
        if (Status c = check(rc, "insert into cache_window"); !c) return c;
      }
      return {};
    });
  }
  if (s) {
    s = run("INSERT INTO quota_refusal VALUES (?1, ?2, ?3)", [&](sqlite3_stmt* stmt) -> Status {
      for (const QuotaRefusalRow& r : statistics.quota_refusals) {
        int rc = SqlRow(stmt).Text(r.tenant_id).Text(r.resource).Uint(r.refusals).Step();
        if (Status c = check(rc, "insert into quota_refusal"); !c) return c;
      }
      return {};
    });
  }
  if (s) {
    s = run("INSERT INTO counter VALUES (?1, ?2)", [&](sqlite3_stmt* stmt) -> Status {
      for (const auto& [name, value] : statistics.counters) {
        int rc = SqlRow(stmt).Text(name).Int(value).Step();
        if (Status c = check(rc, "insert into counter"); !c) return c;
      }
      return {};
    });
  }
  if (s) s = WriteRoutingTables(statistics.routing);
  if (!s) Remember(s.error());
  return s;
}

}  // namespace agentsim
