#include "reports/batched_insert.h"

#include <algorithm>
#include <string>

namespace agentsim {

BatchedInsert::BatchedInsert(int parent_columns, int key_columns, int child_columns)
    : parent_(parent_columns), child_(child_columns), key_columns_(key_columns) {
  parent_source_.batch = &parent_;
  child_source_.batch = &child_;
}

Status BatchedInsert::Prepare(sqlite3* db, std::string_view parent_table,
                              std::string_view parent_columns, std::string_view child_table,
                              std::string_view child_columns, std::string_view path) {
  struct Side {
    std::string_view table, columns;
    BatchTableSource* source;
    sqlite::StmtPtr* stmt;
  };
  for (const Side& side : {Side{parent_table, parent_columns, &parent_source_, &insert_parent_},
                           Side{child_table, child_columns, &child_source_, &insert_child_}}) {
    side.source->columns = side.columns;
    const std::string name = "agentsim_" + std::string(side.table) + "_batch";
    if (auto s = RegisterBatchTable(db, name.c_str(), side.source, path); !s) return s;
    const std::string sql = "INSERT INTO " + std::string(side.table) + " (" +
                            std::string(side.columns) + ") SELECT * FROM " + name;
    auto prepared = sqlite::Prepare(db, sql, path);
    if (!prepared) return std::unexpected(std::move(prepared.error()));
    *side.stmt = std::move(*prepared);
  }
  return {};
}

void BatchedInsert::Finalize() {
  insert_parent_.reset();
  insert_child_.reset();
}

std::optional<BatchedInsert::Failure> BatchedInsert::Insert(std::size_t* rows) {
  if (parent_.empty()) return std::nullopt;
  // Parents in primary-key order (stable: a duplicate key keeps its arrival order): rows placed
  // in ascending order split and rebalance fewer b-tree pages, and seek from a nearby cursor.
  std::vector<std::uint32_t>& order = parent_source_.order;
  order.resize(parent_.rows());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [this](std::uint32_t a, std::uint32_t b) {
    for (int k = 0; k < key_columns_; ++k) {
      const std::int64_t ka = parent_.At(a, k).integer, kb = parent_.At(b, k).integer;
      if (ka != kb) return ka < kb;
    }
    return false;
  });
  parent_source_.ordered = true;
  std::optional<Failure> failure;
  std::size_t parents_written = order.size();
  int rc = sqlite3_step(insert_parent_.get());
  sqlite3_reset(insert_parent_.get());
  if (rc != SQLITE_DONE) {
    parents_written = std::min(parent_source_.current_position, order.size());
    failure = Failure{rc, false, parent_source_.current_row};
  }
  *rows += parents_written;
  // The children of the parents written, in their parents' order.
  std::vector<std::uint32_t>& children = child_source_.order;
  children.clear();
  for (std::size_t p = 0; p < parents_written; ++p) {
    const std::uint32_t parent = order[p];
    const std::size_t end = parent + 1 < child_begin_.size() ? child_begin_[parent + 1]
                                                             : child_.rows();
    for (std::size_t c = child_begin_[parent]; c < end; ++c) {
      children.push_back(static_cast<std::uint32_t>(c));
    }
  }
  child_source_.ordered = true;
  if (!children.empty()) {
    rc = sqlite3_step(insert_child_.get());
    sqlite3_reset(insert_child_.get());
    if (rc != SQLITE_DONE) {
      if (!failure) failure = Failure{rc, true, child_source_.current_row};
      *rows += std::min(child_source_.current_position, children.size());
    } else {
      *rows += children.size();
    }
  }
  return failure;
}

void BatchedInsert::Clear() {
  parent_.Clear();
  child_.Clear();
  child_begin_.clear();
}

}  // namespace agentsim
