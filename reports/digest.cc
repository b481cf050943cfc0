#include "reports/digest.h"

#include <openssl/evp.h>
#include <sqlite3.h>

#include <charconv>
#include <memory>
#include <new>
#include <string_view>

#include "reports/report_schema.h"
#include "reports/sqlite_handle.h"

namespace agentsim {
namespace {

// Domain separation: a change of serialisation changes every digest.
constexpr std::string_view kDigestHeader = "agentsim-report-digest/1\n";
// Serialised bytes are hashed in chunks of about this size.
constexpr std::size_t kFlushBytes = 64 * 1024;

struct EvpCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpCtxFree>;

std::string ToHex(const unsigned char* bytes, unsigned int size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[bytes[i] >> 4];
    hex += kHex[bytes[i] & 0x0f];
  }
  return hex;
}

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
Status HashTable(sqlite3* db, const DigestTable& table, const std::string& path, EVP_MD_CTX* ctx) {
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
      if (EVP_DigestUpdate(ctx, buffer.data(), buffer.size()) != 1) {
        return Internal(path + ": EVP_DigestUpdate failed");
      }
      buffer.clear();
    }
  }
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db, rc, path, sql));
  AppendField(buffer, 'E', std::to_string(rows));
  if (EVP_DigestUpdate(ctx, buffer.data(), buffer.size()) != 1) {
    return Internal(path + ": EVP_DigestUpdate failed");
  }
  return {};
}

}  // namespace

Result<std::string> ComputeReportDigest(const std::string& db_path) {
  auto db = sqlite::OpenReportReadOnly(db_path);
  if (!db) return std::unexpected(std::move(db.error()));

  EvpCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), kDigestHeader.data(), kDigestHeader.size()) != 1) {
    return Internal(db_path + ": cannot initialise SHA-256");
  }
  for (const DigestTable& table : DigestTables()) {
    if (auto status = HashTable(db->get(), table, db_path, ctx.get()); !status) {
      return std::unexpected(std::move(status.error()));
    }
  }
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int hash_size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), hash, &hash_size) != 1) {
    return Internal(db_path + ": EVP_DigestFinal_ex failed");
  }
  return ToHex(hash, hash_size);
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int hash_size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), hash, &hash_size, EVP_sha256(), nullptr) != 1) {
    throw std::bad_alloc();
  }
  return ToHex(hash, hash_size);
}

}  // namespace agentsim
