// Where a value is in JSON text: line and column of a byte offset, and the offset where the
// value at a JSON pointer (RFC 6901) starts. Used only on error paths (JsonDocument::Describe,
// the transcript readers), by scanning the text again: nlohmann keeps no positions.
//
// The scanner tolerates // and /* */ comments and decodes \u escapes in keys; it is iterative,
// so any nesting depth is safe. Duplicate keys: the last one is found, as nlohmann keeps it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentsim {

struct SourcePosition {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

// Line and column of byte `offset` in `text` (offset past the end maps to the end).
SourcePosition PositionOf(std::string_view text, std::size_t offset);

// Byte offset where the value at JSON pointer `pointer` starts in `text`. When the pointer does
// not exist, the offset of its deepest existing ancestor's value (so "missing key" errors point
// at the enclosing object). Returns 0 for unparseable text.
std::size_t LocatePointer(std::string_view text, std::string_view pointer);

// The same answers as PositionOf and LocatePointer, for many lookups in one text (a document
// with many errors, each of which would rescan it): the line starts are indexed once, and
// every object member and array element found is remembered, so errors given in document order
// each cost a short step. Always called with the same `text` it was built for.
class PointerLocator {
 public:
  explicit PointerLocator(std::string_view text);

  SourcePosition Position(std::string_view text, std::size_t offset) const;
  std::size_t Locate(std::string_view text, std::string_view pointer);

 private:
  std::vector<std::size_t> line_starts_;  // offset of each line's first byte
  // Array pointer -> (index, offset) of the element last located in it.
  std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> elements_;
  // Member pointer -> offset of its value (finding a member reads every member of the object,
  // as the last of duplicate keys wins: without this, each error would rescan the object).
  std::map<std::string, std::size_t, std::less<>> members_;
};

}  // namespace agentsim
