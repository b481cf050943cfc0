// RowBatch: rows of SQLite values (NULL, INTEGER, REAL, TEXT) held in memory until they are
// inserted together through a batch virtual table (reports/batch_table.h), so that SQLite's
// per-statement cost (bind, step, halt, reset) is paid once per batch, not once per row
// (internal to reports/).
//
// Shape: `columns()` values per row, appended in column order with Int/Real/Null/Text and closed
// with EndRow. Text is copied into one arena per batch (no allocation per value once the arena
// has grown). A value takes 9 bytes (8 in one array, its type in another; a 16-byte Cell with
// padding made the writer's 65,536-turn batch ~32 MB). Thread rules: single-threaded.
#pragma once

#include <algorithm>
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

  // A value's 8 bytes. For kText, `text` locates the bytes in the batch's arena.
  struct Slot {
    union {
      std::int64_t integer;
      double real;
      struct {
        std::uint32_t offset;
        std::uint32_t size;
      } text;
    };
  };
  // One value and its type, as At returns it.
  struct Cell : Slot {
    Type type;
  };

  explicit RowBatch(int columns) : columns_(columns) {}

  // Room for `rows` rows and `text_bytes` bytes of text, so that a batch that stays within them
  // is never copied to grow (the writer's first 65,536-turn batch was copied ~20 MB doubling
  // its way up). Nothing is written: the memory is touched as rows are appended.
  void Reserve(std::size_t rows, std::size_t text_bytes) {
    const std::size_t values = rows * static_cast<std::size_t>(columns_);
    slots_.reserve(values);
    types_.reserve(values);
    text_end_.reserve(rows);
    text_.reserve(text_bytes);
  }

  int columns() const { return columns_; }
  // Complete rows (EndRow called).
  std::size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }

  void Int(std::int64_t value) { Append(Type::kInteger).integer = value; }
  void Real(double value) { Append(Type::kReal).real = value; }
  void Null() { Append(Type::kNull).integer = 0; }
  // Texts of a batch total at most 4 GiB (offsets are 32-bit); the writer's batches hold a few
  // hundred rows.
  void Text(std::string_view value) {
    Slot& s = Append(Type::kText);
    s.text.offset = static_cast<std::uint32_t>(text_.size());
    s.text.size = static_cast<std::uint32_t>(value.size());
    text_.append(value);
  }
  void EndRow() {
    ++rows_;
    assert(used_ == rows_ * static_cast<std::size_t>(columns_));
    text_end_.push_back(static_cast<std::uint32_t>(text_.size()));
  }

  // Value `column` (0-based) of row `row` (< rows()).
  Cell At(std::size_t row, int column) const {
    const std::size_t i =
        row * static_cast<std::size_t>(columns_) + static_cast<std::size_t>(column);
    static_assert(sizeof(Slot) == 8);
    Cell cell;
    static_cast<Slot&>(cell) = slots_[i];
    cell.type = types_[i];
    return cell;
  }
  // The bytes of a kText cell; valid until the next append, Truncate or Clear.
  std::string_view TextOf(const Cell& cell) const {
    return std::string_view(text_.data() + cell.text.offset, cell.text.size);
  }

  // Asks the CPU to load row `row`'s values and text into cache (a hint; no effect on results).
  // A reader that visits rows out of append order (the writer's key order over a 65,536-turn
  // batch, ~20 MB) calls it a few rows ahead, so that each row is not a handful of cache misses.
  void Prefetch(std::size_t row) const {
    assert(row < rows_);
    const std::size_t first = row * static_cast<std::size_t>(columns_);
    PrefetchBytes(reinterpret_cast<const char*>(slots_.data() + first),
                  static_cast<std::size_t>(columns_) * sizeof(Slot));
    PrefetchBytes(reinterpret_cast<const char*>(types_.data() + first),
                  static_cast<std::size_t>(columns_));
    const std::uint32_t text_begin = row == 0 ? 0 : text_end_[row - 1];
    PrefetchBytes(text_.data() + text_begin, text_end_[row] - text_begin);
  }

  // Keeps the first `rows` rows (<= rows()). Their text stays in the arena until Clear.
  void Truncate(std::size_t rows) {
    assert(rows <= rows_);
    rows_ = rows;
    used_ = rows * static_cast<std::size_t>(columns_);
    text_end_.resize(rows);
  }
  // Drops every row; keeps the capacity for the next batch.
  void Clear() {
    used_ = 0;
    text_.clear();
    text_end_.clear();
    rows_ = 0;
  }

 private:
  // The next value, of type `type`: slots_ and types_ are storage, used_ the values in use (an
  // inlined append, unlike vector::emplace_back's call per value).
  Slot& Append(Type type) {
    if (used_ == slots_.size()) Grow();
    types_[used_] = type;
    return slots_[used_++];
  }
  static void PrefetchBytes(const char* bytes, std::size_t size) {
    for (std::size_t i = 0; i < size; i += 64) __builtin_prefetch(bytes + i);
    if (size != 0) __builtin_prefetch(bytes + size - 1);
  }
  [[gnu::noinline]] void Grow() {
    std::size_t size = slots_.empty() ? 1024 : 2 * slots_.size();
    // Up to a reserved capacity first (Reserve): no reallocation before it is full.
    if (slots_.capacity() > slots_.size()) size = std::min(size, slots_.capacity());
    slots_.resize(size);
    types_.resize(size);
  }

  int columns_;
  std::size_t rows_ = 0;
  std::size_t used_ = 0;
  std::vector<Slot> slots_;
  std::vector<Type> types_;
  std::string text_;
  std::vector<std::uint32_t> text_end_;  // text_.size() when each row ended
};

}  // namespace agentsim
