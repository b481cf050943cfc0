#include "reports/batch_table.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "reports/row_batch.h"

namespace agentsim {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// "typeof:value" for every column of every row of `sql`.
Rows Query(sqlite3* db, const std::string& sql) {
  Rows rows;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const char* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      const char* type = "";
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: type = "i:"; break;
        case SQLITE_FLOAT: type = "r:"; break;
        case SQLITE_TEXT: type = "t:"; break;
        case SQLITE_NULL: type = "n:"; break;
        default: type = "b:"; break;
      }
      row.push_back(std::string(type) + (text != nullptr ? text : ""));
    }
    rows.push_back(row);
  }
  sqlite3_finalize(stmt);
  return rows;
}

sqlite::DbPtr OpenMemory() {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  return sqlite::DbPtr(raw);
}

// Three rows of (id INTEGER, name TEXT, score REAL or NULL).
void Fill(RowBatch& batch) {
  batch.Int(7);
  batch.Text("seven");
  batch.Real(0.5);
  batch.EndRow();
  batch.Int(-3);
  batch.Text("");
  batch.Null();
  batch.EndRow();
  batch.Int(42);
  batch.Text("forty-two");
  batch.Real(2);
  batch.EndRow();
}

struct OrderCase {
  std::string name;
  bool ordered;
  std::vector<std::uint32_t> order;
  Rows expected;
};

void PrintTo(const OrderCase& c, std::ostream* os) { *os << c.name; }

class BatchTableOrderTest : public ::testing::TestWithParam<OrderCase> {};

TEST_P(BatchTableOrderTest, SelectReturnsExactlyTheChosenRowsWithTheirTypes) {
  const OrderCase& c = GetParam();
  RowBatch batch(3);
  Fill(batch);
  BatchTableSource source{&batch, "id, name, score", c.ordered, c.order};
  sqlite::DbPtr db = OpenMemory();
  ASSERT_TRUE(RegisterBatchTable(db.get(), "b", &source, ":memory:").has_value());
  EXPECT_EQ(Query(db.get(), "SELECT * FROM b"), c.expected);
}

const Rows kAll = {{"i:7", "t:seven", "r:0.5"}, {"i:-3", "t:", "n:"},
                   {"i:42", "t:forty-two", "r:2.0"}};

INSTANTIATE_TEST_SUITE_P(
    Orders, BatchTableOrderTest,
    ::testing::Values(
        OrderCase{"batch_order", false, {}, kAll},
        OrderCase{"permutation", true, {2, 0, 1}, {kAll[2], kAll[0], kAll[1]}},
        OrderCase{"subset", true, {1}, {kAll[1]}},
        OrderCase{"empty_subset", true, {}, {}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(BatchTableTest, InsertSelectCopiesTheBatchAndFollowsLaterContents) {
  RowBatch batch(3);
  BatchTableSource source{&batch, "id, name, score", false, {}};
  sqlite::DbPtr db = OpenMemory();
  ASSERT_TRUE(RegisterBatchTable(db.get(), "b", &source, ":memory:").has_value());
  ASSERT_EQ(sqlite3_exec(db.get(),
                         "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL) "
                         "WITHOUT ROWID",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  Fill(batch);
  ASSERT_EQ(sqlite3_exec(db.get(), "INSERT INTO t SELECT * FROM b", nullptr, nullptr, nullptr),
            SQLITE_OK);
  batch.Clear();
  batch.Int(1);
  batch.Text("one");
  batch.Real(1.25);
  batch.EndRow();
  ASSERT_EQ(sqlite3_exec(db.get(), "INSERT INTO t SELECT * FROM b", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(Query(db.get(), "SELECT * FROM t ORDER BY id"),
            (Rows{{"i:-3", "t:", "n:"},
                  {"i:1", "t:one", "r:1.25"},
                  {"i:7", "t:seven", "r:0.5"},
                  {"i:42", "t:forty-two", "r:2.0"}}));
  // The table is not part of the database file's schema.
  EXPECT_EQ(Query(db.get(), "SELECT name FROM sqlite_schema ORDER BY name"), (Rows{{"t:t"}}));
}

TEST(BatchTableTest, AFailedInsertNamesTheRowItStoppedOn) {
  RowBatch batch(3);
  Fill(batch);
  batch.Int(7);  // batch row 3 duplicates row 0's key
  batch.Text("again");
  batch.Null();
  batch.EndRow();
  BatchTableSource source{&batch, "id, name, score", true, {1, 3, 0, 2}};
  sqlite::DbPtr db = OpenMemory();
  ASSERT_TRUE(RegisterBatchTable(db.get(), "b", &source, ":memory:").has_value());
  ASSERT_EQ(sqlite3_exec(db.get(), "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT) "
                                   "WITHOUT ROWID",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db.get(), "INSERT INTO t SELECT id, name FROM b", nullptr, nullptr,
                         nullptr),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(source.current_position, 2u);
  EXPECT_EQ(source.current_row, 0u);
}

TEST(BatchTableTest, CreateVirtualTableIsRefused) {
  RowBatch batch(1);
  BatchTableSource source{&batch, "x", false, {}};
  sqlite::DbPtr db = OpenMemory();
  ASSERT_TRUE(RegisterBatchTable(db.get(), "b", &source, ":memory:").has_value());
  EXPECT_NE(sqlite3_exec(db.get(), "CREATE VIRTUAL TABLE v USING b", nullptr, nullptr, nullptr),
            SQLITE_OK);
}

struct CellCase {
  std::string name;
  int kind;  // 0 Int, 1 Real, 2 Null, 3 Text
  RowBatch::Type type;
};

void PrintTo(const CellCase& c, std::ostream* os) { *os << c.name; }

class RowBatchCellTest : public ::testing::TestWithParam<CellCase> {};

TEST_P(RowBatchCellTest, KeepsTheValueAndItsType) {
  const CellCase& c = GetParam();
  RowBatch batch(2);
  batch.Text("first");
  switch (c.kind) {
    case 0: batch.Int(-9); break;
    case 1: batch.Real(1.5); break;
    case 2: batch.Null(); break;
    default: batch.Text("second"); break;
  }
  batch.EndRow();
  ASSERT_EQ(batch.rows(), 1u);
  EXPECT_EQ(batch.TextOf(batch.At(0, 0)), "first");
  const RowBatch::Cell& cell = batch.At(0, 1);
  EXPECT_EQ(cell.type, c.type);
  if (c.kind == 0) {
    EXPECT_EQ(cell.integer, -9);
  } else if (c.kind == 1) {
    EXPECT_EQ(cell.real, 1.5);
  } else if (c.kind == 3) {
    EXPECT_EQ(batch.TextOf(cell), "second");
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, RowBatchCellTest,
                         ::testing::Values(CellCase{"integer", 0, RowBatch::Type::kInteger},
                                           CellCase{"real", 1, RowBatch::Type::kReal},
                                           CellCase{"null", 2, RowBatch::Type::kNull},
                                           CellCase{"text", 3, RowBatch::Type::kText}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(RowBatchTest, TruncateAndClearDropRows) {
  RowBatch batch(3);
  Fill(batch);
  batch.Truncate(1);
  EXPECT_EQ(batch.rows(), 1u);
  EXPECT_EQ(batch.TextOf(batch.At(0, 1)), "seven");
  batch.Clear();
  EXPECT_TRUE(batch.empty());
  batch.Int(1);
  batch.Text("x");
  batch.Null();
  batch.EndRow();
  EXPECT_EQ(batch.TextOf(batch.At(0, 1)), "x");
}

// Rows within a reserved room, then past it (the batch grows from the reserved capacity, not
// from 1,024 values), keep every value: 700 rows of 3 values is 2,100 values, past the room for
// 500 rows (1,500) and past the first growth step of an unreserved batch (1,024).
TEST(RowBatchTest, RowsPastAReservedRoomKeepTheirValues) {
  for (const std::size_t reserved_rows : {std::size_t{0}, std::size_t{500}, std::size_t{700}}) {
    RowBatch batch(3);
    batch.Reserve(reserved_rows, 16);
    for (int i = 0; i < 700; ++i) {
      batch.Int(i);
      batch.Text("t" + std::to_string(i));
      batch.Real(i + 0.5);
      batch.EndRow();
    }
    ASSERT_EQ(batch.rows(), 700u) << reserved_rows;
    for (const std::size_t row : {std::size_t{0}, std::size_t{499}, std::size_t{500},
                                  std::size_t{699}}) {
      EXPECT_EQ(batch.At(row, 0).integer, static_cast<std::int64_t>(row)) << reserved_rows;
      EXPECT_EQ(batch.TextOf(batch.At(row, 1)), "t" + std::to_string(row)) << reserved_rows;
      EXPECT_EQ(batch.At(row, 2).real, static_cast<double>(row) + 0.5) << reserved_rows;
      EXPECT_EQ(batch.At(row, 2).type, RowBatch::Type::kReal) << reserved_rows;
    }
  }
}

// Within its reserved room a batch is never moved: the first row's text stays where it was
// written (the arena would be reallocated, and the text copied, if Reserve did not reserve it).
TEST(RowBatchTest, RowsWithinAReservedRoomAreNotMoved) {
  RowBatch batch(2);
  batch.Reserve(700, 700 * 4);
  batch.Int(0);
  batch.Text("t0");
  batch.EndRow();
  const char* first_text = batch.TextOf(batch.At(0, 1)).data();
  for (int i = 1; i < 700; ++i) {
    batch.Int(i);
    batch.Text("t" + std::to_string(i));
    batch.EndRow();
  }
  ASSERT_EQ(batch.rows(), 700u);
  EXPECT_EQ(batch.TextOf(batch.At(0, 1)).data(), first_text);
  EXPECT_EQ(batch.TextOf(batch.At(699, 1)), "t699");
  EXPECT_EQ(batch.At(699, 0).integer, 699);
}

}  // namespace
}  // namespace agentsim
