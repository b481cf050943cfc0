#include "reports/digest.h"

#include <sqlite3.h>

#include <charconv>
#include <memory>
#include <new>
#include <string_view>

#include "core/util/sha256.h"
#include "reports/report_schema.h"
#include "adapters/sqlite/sqlite_handle.h"
#include "reports/report_open.h"

namespace agentsim {
namespace {

// Domain separation: a change of serialisation changes every digest.
constexpr std::string_view kDigestHeader = "agentsim-report-digest/1\n";
// Serialised bytes are hashed in chunks of about this size.
constexpr std::size_t kFlushBytes = 64 * 1024;

// Appends `tag`, the decimal length of `bytes`, ':' and `bytes` (a netstring with a type tag).
void AppendField(std::string& out, char tag, std::string_view bytes) {
  out += tag;
  out += std::to_string(bytes.size());
  out += ':';
  out += bytes;
}

// Appends one column value of the current row of `stmt`.
void AppendValue(std::string& out, sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      out += 'N';
      return;
    case SQLITE_INTEGER: {
      char buffer[24];
      const auto [end, ec] =
          std::to_chars(buffer, buffer + sizeof buffer, sqlite3_column_int64(stmt, column));
      AppendField(out, 'I', std::string_view(buffer, ec == std::errc() ? end - buffer : 0));
      return;
    }
    case SQLITE_FLOAT: {
      // Same digits as printf("%.17g"), without the locale's decimal separator.
      char buffer[64];
      const auto [end, ec] =
          std::to_chars(buffer, buffer + sizeof buffer, sqlite3_column_double(stmt, column),
                        std::chars_format::general, 17);
      AppendField(out, 'F', std::string_view(buffer, ec == std::errc() ? end - buffer : 0));
      return;
    }
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      AppendField(out, 'S', std::string_view(text, sqlite3_column_bytes(stmt, column)));
      return;
    }
    default: {  // SQLITE_BLOB
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, column));
      const int size = sqlite3_column_bytes(stmt, column);
      AppendField(out, 'B', size > 0 ? std::string_view(blob, size) : std::string_view());
      return;
    }
  }
}

// Feeds one table to `ctx`: "T<name>", its column count and names, then every row as 'R' followed
// by its values, then 'E' and the row count.
Status HashTable(sqlite3* db, const DigestTable& table, const std::string& path, Sha256& sha) {
  std::string sql = "SELECT * FROM ";
  sql += table.name;
  sql += " ORDER BY ";
  sql += table.order_by;
  auto stmt = sqlite::Prepare(db, sql, path);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  const int columns = sqlite3_column_count(stmt->get());
  std::string buffer;
  AppendField(buffer, 'T', table.name);
  AppendField(buffer, 'C', std::to_string(columns));
  for (int c = 0; c < columns; ++c) AppendField(buffer, 'c', sqlite3_column_name(stmt->get(), c));
  std::int64_t rows = 0;
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    buffer += 'R';
    for (int c = 0; c < columns; ++c) AppendValue(buffer, stmt->get(), c);
    ++rows;
    if (buffer.size() >= kFlushBytes) {
      if (!sha.Update(buffer)) return Internal(path + ": SHA-256 update failed");
      buffer.clear();
    }
  }
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db, rc, path, sql));
  AppendField(buffer, 'E', std::to_string(rows));
  if (!sha.Update(buffer)) return Internal(path + ": SHA-256 update failed");
  return {};
}

}  // namespace

Result<std::string> ComputeReportDigest(const std::string& db_path) {
  auto db = OpenReportReadOnly(db_path);
  if (!db) return std::unexpected(std::move(db.error()));

  Sha256 sha;
  if (!sha.Update(kDigestHeader)) return Internal(db_path + ": cannot initialise SHA-256");
  for (const DigestTable& table : DigestTables()) {
    if (auto status = HashTable(db->get(), table, db_path, sha); !status) {
      return std::unexpected(std::move(status.error()));
    }
  }
  return sha.FinishHex();
}

}  // namespace agentsim
