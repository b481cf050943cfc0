#include "core/agent/coercion_counts.h"

namespace agentsim {
namespace {

constexpr std::array<std::string_view, kCoercionKindCount> kNames = {
    "fenced",
    "prose_stripped",
    "double_encoded",
    "trailing_comma",
    "raw_newline_in_string",
    "raw_control_in_string",
    "invalid_escape",
    "lone_surrogate",
    "invalid_utf8",
    "string_to_int",
    "string_to_float",
    "string_to_bool",
    "string_to_list",
    "string_to_dict",
    "float_to_int",
    "enum_case",
    "int_literal_from_string",
    "null_optional_dropped",
    "unknown_field_dropped",
};

}  // namespace

std::string_view CoercionKindName(CoercionKind kind) {
  return kNames[static_cast<std::size_t>(kind)];
}

void CoercionCounts::Merge(const CoercionCounts& other) {
  if (!other.added_) return;
  for (std::size_t i = 0; i < kCoercionKindCount; ++i) counts_[i] += other.counts_[i];
  added_ = true;
}

int CoercionCounts::Total() const {
  if (!added_) return 0;
  int total = 0;
  for (int n : counts_) total += n;
  return total;
}

std::vector<std::pair<std::string_view, int>> CoercionCounts::NonZero() const {
  std::vector<std::pair<std::string_view, int>> out;
  if (!added_) return out;
  for (std::size_t i = 0; i < kCoercionKindCount; ++i) {
    if (counts_[i] > 0) out.emplace_back(kNames[i], counts_[i]);
  }
  return out;
}

}  // namespace agentsim
