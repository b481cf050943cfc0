// The batch virtual table: an eponymous-only SQLite virtual table over a RowBatch
// (reports/row_batch.h), so that a whole batch is inserted by one statement,
// `INSERT INTO t (columns) SELECT * FROM <name>`, instead of one bound statement per row
// (internal to reports/; used by ReportWriter).
//
// The table exists only on the connection that registered it: it is not created in the file
// (no sqlite_schema row), so the report's schema is unchanged. Thread rules: single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.h"
#include "reports/row_batch.h"

extern "C" {
struct sqlite3;
}

namespace agentsim {

// What the table reads. Owned by the caller; must outlive every statement that reads the table
// (in practice: the connection).
struct BatchTableSource {
  const RowBatch* batch = nullptr;
  // The table's column names, comma-separated as in CREATE TABLE ("session_id, turn_index"); as
  // many as batch->columns().
  std::string columns;
  // Which rows the table returns: when `ordered`, batch rows order[0], order[1], ... (each
  // < batch->rows(); a subset is allowed); otherwise every batch row in batch order.
  bool ordered = false;
  std::vector<std::uint32_t> order;
  // Set by the table while a SELECT runs: the position (0-based, in the table's order) and batch
  // row it is on. After a statement fails on a row (e.g. a duplicate primary key in the INSERT),
  // these name that row.
  std::size_t current_position = 0;
  std::size_t current_row = 0;
};

// Registers the module `name` on `db` as an eponymous-only virtual table over `*source`:
// `SELECT * FROM name` returns the rows source->ordered and source->order select, each value with its
// RowBatch type (NULL, INTEGER, REAL, TEXT). Errors: SQLite's (MakeSqliteError), naming `path`.
Status RegisterBatchTable(sqlite3* db, const char* name, BatchTableSource* source,
                          std::string_view path);

}  // namespace agentsim
