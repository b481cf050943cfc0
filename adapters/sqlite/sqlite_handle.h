// Small RAII and error helpers around the SQLite C API, shared by the report writer and reader
// (reports/) and the persistent config store (adapters/). Every error message names the file.
//
// The header only forward-declares SQLite's handle types, so that including a reports/ header
// does not pull <sqlite3.h> into its users.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/util/error.h"

extern "C" {
struct sqlite3;
struct sqlite3_stmt;
}

namespace agentsim::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const;  // sqlite3_close_v2
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const;  // sqlite3_finalize
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// "<path>: <what>" or "<path>: <what>: <detail>".
std::string ErrorText(std::string_view path, std::string_view what, std::string_view detail);

// An Error for SQLite result code `rc` on `db` (which may be null): "<path>: <what>: <message>"
// (SQLITE_NOTADB: "<path>: not an SQLite database: <message>").
// Bad content maps to kInvalidArgument (a constraint violation such as a duplicate primary key,
// SQLITE_ERROR such as a missing table, a corrupt file, a file that is not a database);
// everything else (I/O, disk full, locking, cannot open) to kUnavailable.
Error MakeSqliteError(sqlite3* db, int rc, std::string_view path, std::string_view what);

// Prepares one statement. Errors: see MakeSqliteError.
Result<StmtPtr> Prepare(sqlite3* db, std::string_view sql, std::string_view path);

// Runs one or more statements that return no rows of interest. Errors: see MakeSqliteError.
Status Exec(sqlite3* db, const char* sql, std::string_view path);

// Reads a PRAGMA (or any query) that returns one integer. Errors: see MakeSqliteError.
Result<std::int64_t> ReadIntPragma(sqlite3* db, const char* sql, std::string_view path);

// Opens (SQLITE_OPEN_* `flags`) the database at `path`. Errors: see MakeSqliteError.
Result<DbPtr> Open(const std::string& path, int flags);

}  // namespace agentsim::sqlite
