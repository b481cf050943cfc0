#include "adapters/sqlite/sqlite_handle.h"

#include <sqlite3.h>

#include <cstdint>

namespace agentsim::sqlite {

std::string ErrorText(std::string_view path, std::string_view what, std::string_view detail) {
  std::string message(path);
  message += ": ";
  message += what;
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return message;
}

Result<std::int64_t> ReadIntPragma(sqlite3* db, const char* sql, std::string_view path) {
  auto stmt = Prepare(db, sql, path);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  const int rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_ROW) return std::unexpected(MakeSqliteError(db, rc, path, sql));
  return sqlite3_column_int64(stmt->get(), 0);
}

void DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

void StmtFinalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Error MakeSqliteError(sqlite3* db, int rc, std::string_view path, std::string_view what) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  if (primary == SQLITE_NOTADB) {
    return Error{ErrorCode::kInvalidArgument, ErrorText(path, "not an SQLite database", detail)};
  }
  // Bad content (a duplicate key, a malformed or foreign schema) versus a failing medium.
  const bool bad_content = primary == SQLITE_CONSTRAINT || primary == SQLITE_ERROR ||
                           primary == SQLITE_CORRUPT || primary == SQLITE_MISMATCH;
  const ErrorCode code = bad_content ? ErrorCode::kInvalidArgument : ErrorCode::kUnavailable;
  return Error{code, ErrorText(path, what, detail)};
}

Result<StmtPtr> Prepare(sqlite3* db, std::string_view sql, std::string_view path) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return std::unexpected(MakeSqliteError(db, rc, path, sql));
  return stmt;
}

Status Exec(sqlite3* db, const char* sql, std::string_view path) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(MakeSqliteError(db, rc, path, sql));
  return {};
}

Result<DbPtr> Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return std::unexpected(MakeSqliteError(db.get(), rc, path, "cannot open"));
  return db;
}

}  // namespace agentsim::sqlite
