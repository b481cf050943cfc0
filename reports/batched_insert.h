// BatchedInsert: the rows of a parent table (turn, session) and of the child table whose rows
// belong to them (llm_attempt_stored, session_outcome), held in memory and inserted by one
// `INSERT ... SELECT` per table from batch virtual tables (reports/batch_table.h), parents in
// primary-key order and each parent's children after it in arrival order (internal to reports/;
// used by ReportWriter).
//
// Shape: the parent's first `key_columns` (1 or 2) columns are INTEGER and its primary key;
// append a parent row to parent() and close it with EndParentRow(), then its child rows to
// child() (EndRow each). Thread rules: single-threaded.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "core/util/error.h"
#include "reports/batch_table.h"
#include "reports/row_batch.h"

namespace agentsim {

class BatchedInsert {
 public:
  BatchedInsert(int parent_columns, int key_columns, int child_columns);
  BatchedInsert(const BatchedInsert&) = delete;
  BatchedInsert& operator=(const BatchedInsert&) = delete;

  // Registers the virtual tables `<parent_table>_batch` and `<child_table>_batch` (prefixed
  // "agentsim_") on `db` and prepares the two inserts; `*_columns` are the tables' column lists
  // in the batches' column order. Must outlive `db`'s use of them (Finalize before closing).
  // Errors: SQLite's (MakeSqliteError), naming `path`.
  Status Prepare(sqlite3* db, std::string_view parent_table, std::string_view parent_columns,
                 std::string_view child_table, std::string_view child_columns,
                 std::string_view path);
  // Finalises the statements (the batches are kept).
  void Finalize();

  RowBatch& parent() { return parent_; }
  RowBatch& child() { return child_; }
  const RowBatch& parent() const { return parent_; }
  const RowBatch& child() const { return child_; }
  // Ends the parent row being appended; the child rows appended next belong to it.
  void EndParentRow() {
    parent_.EndRow();
    child_begin_.push_back(child_.rows());
  }
  std::size_t parents() const { return parent_.rows(); }

  // Where an Insert stopped: the SQLite result code and the batch row (of parent() or child())
  // it was on.
  struct Failure {
    int rc = SQLITE_OK;
    bool in_child = false;
    std::size_t row = 0;
  };
  // Inserts the parents sorted by key (stable), then the children of the parents inserted. On a
  // failing parent row, the rows before it in key order stay inserted (journal_mode=OFF: a
  // failed statement is not rolled back) and only their children are inserted. Adds the number
  // of rows inserted to `*rows`. The batches are kept until Clear (a failure's row can be read).
  std::optional<Failure> Insert(std::size_t* rows);
  void Clear();

 private:
  RowBatch parent_;
  RowBatch child_;
  int key_columns_;
  // A parent's key and batch row, sorted compactly (not through the 2 MB of cells).
  struct SortKey {
    std::int64_t key[2];
    std::uint32_t row;
  };
  std::vector<SortKey> sort_keys_;
  std::vector<std::size_t> child_begin_;  // child_.rows() when each parent row ended
  BatchTableSource parent_source_;
  BatchTableSource child_source_;
  sqlite::StmtPtr insert_parent_;
  sqlite::StmtPtr insert_child_;
};

}  // namespace agentsim
