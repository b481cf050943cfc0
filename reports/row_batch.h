// RowBatch: rows of SQLite values (NULL, INTEGER, REAL, TEXT) held in memory until they are
// inserted together through a batch virtual table (reports/batch_table.h), so that SQLite's
// per-statement cost (bind, step, halt, reset) is paid once per batch, not once per row
// (internal to reports/).
//
// Shape: `columns()` values per row, appended in column order with Int/Real/Null/Text and closed
// with EndRow. Text is copied into one arena per batch (no allocation per value once the arena
// has grown). Thread rules: single-threaded.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agentsim {

class RowBatch {
 public:
  enum class Type : std::uint8_t { kNull, kInteger, kReal, kText };

  // One value. For kText, `text` locates the bytes in the batch's arena.
  struct Cell {
    union {
      std::int64_t integer;
      double real;
      struct {
        std::uint32_t offset;
        std::uint32_t size;
      } text;
    };
    Type type;
  };

  explicit RowBatch(int columns) : columns_(columns) {}

  int columns() const { return columns_; }
  // Complete rows (EndRow called).
  std::size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }

  void Int(std::int64_t value) {
    Cell& c = Append();
    c.integer = value;
    c.type = Type::kInteger;
  }
  void Real(double value) {
    Cell& c = Append();
    c.real = value;
    c.type = Type::kReal;
  }
  void Null() {
    Cell& c = Append();
    c.integer = 0;
    c.type = Type::kNull;
  }
  // Texts of a batch total at most 4 GiB (offsets are 32-bit); the writer's batches hold a few
  // hundred rows.
  void Text(std::string_view value) {
    Cell& c = Append();
    c.text.offset = static_cast<std::uint32_t>(text_.size());
    c.text.size = static_cast<std::uint32_t>(value.size());
    c.type = Type::kText;
    text_.append(value);
  }
  void EndRow() {
    ++rows_;
    assert(used_ == rows_ * static_cast<std::size_t>(columns_));
  }

  // Value `column` (0-based) of row `row` (< rows()).
  const Cell& At(std::size_t row, int column) const {
    return cells_[row * static_cast<std::size_t>(columns_) + static_cast<std::size_t>(column)];
  }
  // The bytes of a kText cell; valid until the next append, Truncate or Clear.
  std::string_view TextOf(const Cell& cell) const {
    return std::string_view(text_.data() + cell.text.offset, cell.text.size);
  }

  // Keeps the first `rows` rows (<= rows()). Their text stays in the arena until Clear.
  void Truncate(std::size_t rows) {
    assert(rows <= rows_);
    rows_ = rows;
    used_ = rows * static_cast<std::size_t>(columns_);
  }
  // Drops every row; keeps the capacity for the next batch.
  void Clear() {
    used_ = 0;
    text_.clear();
    rows_ = 0;
  }

 private:
  // The next cell: cells_ is storage, used_ the cells in use (an inlined append, unlike
  // vector::emplace_back's call per value).
  Cell& Append() {
    if (used_ == cells_.size()) Grow();
    return cells_[used_++];
  }
  [[gnu::noinline]] void Grow() { cells_.resize(cells_.empty() ? 1024 : 2 * cells_.size()); }

  int columns_;
  std::size_t rows_ = 0;
  std::size_t used_ = 0;
  std::vector<Cell> cells_;
  std::string text_;
};

}  // namespace agentsim
