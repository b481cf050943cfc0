// SqlRow: binds the parameters of one prepared INSERT in order and steps it once (internal to
// reports/). The first failing bind skips the step and is returned by Step().
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace agentsim {

class SqlRow {
 public:
  explicit SqlRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  SqlRow& Int(std::int64_t v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, ++index_, v);
    return *this;
  }
  SqlRow& Uint(std::uint64_t v) { return Int(static_cast<std::int64_t>(v)); }
  SqlRow& Real(double v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_double(stmt_, ++index_, v);
    return *this;
  }
  SqlRow& OptionalInt(std::optional<std::int64_t> v) {
    if (v) return Int(*v);
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_null(stmt_, ++index_);
    return *this;
  }
  SqlRow& Text(std::string_view v) {
    if (rc_ == SQLITE_OK) {
      rc_ = sqlite3_bind_text(stmt_, ++index_, v.data(), static_cast<int>(v.size()),
                              SQLITE_TRANSIENT);
    }
    return *this;
  }
  // Steps once (unless a bind failed), then resets and clears the bindings. SQLITE_DONE on
  // success.
  int Step() {
    int rc = rc_ == SQLITE_OK ? sqlite3_step(stmt_) : rc_;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return rc;
  }

 private:
  sqlite3_stmt* stmt_;
  int index_ = 0;
  int rc_ = SQLITE_OK;
};

}  // namespace agentsim
