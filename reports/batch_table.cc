#include "reports/batch_table.h"

#include <sqlite3.h>

#include <new>

#include "adapters/sqlite/sqlite_handle.h"

namespace agentsim {
namespace {

struct Table {
  sqlite3_vtab base{};
  BatchTableSource* source = nullptr;
};

struct Cursor {
  sqlite3_vtab_cursor base{};
  BatchTableSource* source = nullptr;
  std::size_t row = 0;        // position in the table
  std::size_t batch_row = 0;  // the batch row at that position
};

std::size_t RowCount(const BatchTableSource& s) {
  return s.ordered ? s.order.size() : s.batch->rows();
}

int Connect(sqlite3* db, void* aux, int /*argc*/, const char* const* /*argv*/,
            sqlite3_vtab** vtab, char** /*error*/) {
  auto* source = static_cast<BatchTableSource*>(aux);
  try {
    const std::string declaration = "CREATE TABLE x(" + source->columns + ")";
    if (int rc = sqlite3_declare_vtab(db, declaration.c_str()); rc != SQLITE_OK) return rc;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  auto* table = new (std::nothrow) Table;
  if (table == nullptr) return SQLITE_NOMEM;
  table->source = source;
  *vtab = &table->base;
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vtab) {
  delete reinterpret_cast<Table*>(vtab);
  return SQLITE_OK;
}

int BestIndex(sqlite3_vtab* vtab, sqlite3_index_info* info) {
  // A full scan, the only plan: no constraint is used and the rows come in batch order.
  const std::size_t rows = RowCount(*reinterpret_cast<Table*>(vtab)->source);
  info->estimatedCost = static_cast<double>(rows) + 1;
  info->estimatedRows = static_cast<sqlite3_int64>(rows) + 1;
  return SQLITE_OK;
}

int Open(sqlite3_vtab* vtab, sqlite3_vtab_cursor** cursor) {
  auto* c = new (std::nothrow) Cursor;
  if (c == nullptr) return SQLITE_NOMEM;
  c->source = reinterpret_cast<Table*>(vtab)->source;
  *cursor = &c->base;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* cursor) {
  delete reinterpret_cast<Cursor*>(cursor);
  return SQLITE_OK;
}

// How many rows ahead of the cursor an ordered scan prefetches (a row is read in ~1-2 µs; a
// cache miss is ~0.1 µs).
constexpr std::size_t kPrefetchDistance = 4;

// Points the cursor's batch row at its position `c->row` (when not past the end).
void Place(Cursor* c) {
  BatchTableSource& s = *c->source;
  std::size_t row = c->row;
  if (s.ordered && row < s.order.size()) {
    row = s.order[row];
    // Key order visits the batch out of append order: load a later row while this one is read.
    if (c->row + kPrefetchDistance < s.order.size()) {
      s.batch->Prefetch(s.order[c->row + kPrefetchDistance]);
    }
  }
  c->batch_row = row;
  s.current_position = c->row;
  s.current_row = row;
}


int Filter(sqlite3_vtab_cursor* cursor, int /*index*/, const char* /*index_name*/, int /*argc*/,
           sqlite3_value** /*argv*/) {
  auto* c = reinterpret_cast<Cursor*>(cursor);
  c->row = 0;
  Place(c);
  return SQLITE_OK;
}

int Next(sqlite3_vtab_cursor* cursor) {
  auto* c = reinterpret_cast<Cursor*>(cursor);
  ++c->row;
  Place(c);
  return SQLITE_OK;
}

int Eof(sqlite3_vtab_cursor* cursor) {
  auto* c = reinterpret_cast<Cursor*>(cursor);
  return c->row >= RowCount(*c->source) ? 1 : 0;
}

int Column(sqlite3_vtab_cursor* cursor, sqlite3_context* context, int column) {
  auto* c = reinterpret_cast<Cursor*>(cursor);
  const RowBatch& batch = *c->source->batch;
  const RowBatch::Cell& cell = batch.At(c->batch_row, column);
  switch (cell.type) {
    case RowBatch::Type::kNull:
      sqlite3_result_null(context);
      break;
    case RowBatch::Type::kInteger:
      sqlite3_result_int64(context, cell.integer);
      break;
    case RowBatch::Type::kReal:
      sqlite3_result_double(context, cell.real);
      break;
    case RowBatch::Type::kText: {
      // SQLITE_STATIC: the arena does not change while a statement reads the batch.
      const std::string_view text = batch.TextOf(cell);
      sqlite3_result_text64(context, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
      break;
    }
  }
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* cursor, sqlite3_int64* rowid) {
  *rowid = static_cast<sqlite3_int64>(reinterpret_cast<Cursor*>(cursor)->row);
  return SQLITE_OK;
}

// Eponymous-only (xCreate null: CREATE VIRTUAL TABLE is refused), read-only (xUpdate null).
sqlite3_module MakeModule() {
  sqlite3_module m{};
  m.iVersion = 1;
  m.xCreate = nullptr;
  m.xConnect = Connect;
  m.xBestIndex = BestIndex;
  m.xDisconnect = Disconnect;
  m.xDestroy = Disconnect;
  m.xOpen = Open;
  m.xClose = Close;
  m.xFilter = Filter;
  m.xNext = Next;
  m.xEof = Eof;
  m.xColumn = Column;
  m.xRowid = Rowid;
  return m;
}

const sqlite3_module kModule = MakeModule();

}  // namespace

Status RegisterBatchTable(sqlite3* db, const char* name, BatchTableSource* source,
                          std::string_view path) {
  const int rc = sqlite3_create_module_v2(db, name, &kModule, source, nullptr);
  if (rc != SQLITE_OK) {
    return std::unexpected(
        sqlite::MakeSqliteError(db, rc, path, std::string("register the virtual table ") + name));
  }
  return {};
}

}  // namespace agentsim
