#include "core/agent/fast_text_payload.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace agentsim::fast_text {

std::span<const std::uint8_t> FieldsByName(const DynamicSchema& schema) {
  struct Entry {
    DynamicSchema schema;
    std::array<std::uint8_t, kMaxFields> by_name;
  };
  constexpr std::size_t kMaxEntries = 16;
  static thread_local std::vector<Entry> cache;
  static thread_local std::size_t last = 0;
  const std::span<const SchemaField> fields = schema.fields();
  if (last < cache.size() && cache[last].schema.fields().data() == fields.data()) {
    return std::span(cache[last].by_name.data(), fields.size());
  }
  for (std::size_t i = 0; i < cache.size(); ++i) {
    if (cache[i].schema.fields().data() == fields.data()) {
      last = i;
      return std::span(cache[i].by_name.data(), fields.size());
    }
  }
  if (cache.size() == kMaxEntries) cache.erase(cache.begin());
  Entry& entry = cache.emplace_back(Entry{schema, {}});
  for (std::size_t i = 0; i < fields.size(); ++i) entry.by_name[i] = static_cast<std::uint8_t>(i);
  std::sort(entry.by_name.begin(),
            entry.by_name.begin() + static_cast<std::ptrdiff_t>(fields.size()),
            [&](std::uint8_t a, std::uint8_t b) { return fields[a].name < fields[b].name; });
  last = cache.size() - 1;
  return std::span(entry.by_name.data(), fields.size());
}

}  // namespace agentsim::fast_text
