// JSON input with source locations. Configs and scenarios are parsed once with nlohmann/json
// (comments allowed); when a value turns out to be wrong, `ErrorAt` names the file, the
// line:column where that value starts, its JSON pointer (RFC 6901) and what was expected:
//
//   scenarios/x.json:12:17: /workload/sessions: expected a positive integer, got "ten"
//
// Locating is done only on the error path, by re-scanning the text (nlohmann keeps no
// positions), so the happy path costs one parse.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/error.h"

namespace agentsim {

struct SourcePosition {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

// Line and column of byte `offset` in `text` (offset past the end maps to the end).
SourcePosition PositionOf(std::string_view text, std::size_t offset);

// Byte offset where the value at JSON pointer `pointer` starts in `text`. When the pointer does
// not exist, the offset of its deepest existing ancestor's value (so "missing key" errors point
// at the enclosing object). Tolerates // and /* */ comments. Returns 0 for unparseable text.
std::size_t LocatePointer(std::string_view text, std::string_view pointer);

class JsonDocument {
 public:
  // Parses `text`; `source_name` (usually a file path) prefixes every error message.
  // Errors: kInvalidArgument "<source>:<line>:<col>: invalid JSON: <what the parser expected>".
  static Result<JsonDocument> Parse(std::string source_name, std::string text,
                                    bool allow_comments = true);

  const nlohmann::json& root() const { return root_; }
  const std::string& source_name() const { return source_name_; }
  std::string_view text() const { return text_; }

  // "<source>:<line>:<col>: <pointer>: <message>" for the value at `pointer`.
  std::string Describe(std::string_view pointer, std::string_view message) const;
  // The same message as a kInvalidArgument error.
  Error ErrorAt(std::string_view pointer, std::string_view message) const;

 private:
  JsonDocument() = default;
  std::string source_name_;
  std::string text_;
  nlohmann::json root_;
};

// Escapes a key for use as one JSON pointer token (RFC 6901: ~ -> ~0, / -> ~1).
std::string EscapePointerToken(std::string_view key);

// The error for member `key` of the object at `object_pointer`: "missing required key 'k'
// (<expected>)" located at the object when absent, else "expected <expected>, got <found>"
// located at the member.
Error MemberError(const JsonDocument& doc, std::string_view object_pointer,
                  const nlohmann::json& object, const std::string& key, std::string_view expected);

// A short description of a JSON value's type and (truncated) content for error messages:
// `string "ten"`, `number 3.5`, `object`, `null`.
std::string DescribeJson(const nlohmann::json& value);

}  // namespace agentsim
