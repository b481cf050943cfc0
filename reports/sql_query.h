// Reading a report with SQL (internal to reports/): run a statement, visit its rows.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <string>
#include <string_view>

#include "adapters/sqlite/sqlite_handle.h"
#include "core/util/error.h"

namespace agentsim {

// Runs `sql` and calls `on_row` for each row. Errors name `path` and the statement.
inline Status ForEachRow(sqlite3* db, std::string_view sql, const std::string& path,
                         const std::function<void(sqlite3_stmt*)>& on_row) {
  auto stmt = sqlite::Prepare(db, sql, path);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) on_row(stmt->get());
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db, rc, path, sql));
  return {};
}

// The column as text ("" for NULL).
inline std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text != nullptr ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)))
                         : std::string();
}

}  // namespace agentsim
