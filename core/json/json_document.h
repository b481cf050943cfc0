// JSON input with source locations. Configs and scenarios are parsed once with nlohmann/json
// (comments allowed); when a value turns out to be wrong, `ErrorAt` names the file, the
// line:column where that value starts, its JSON pointer (RFC 6901) and what was expected:
//
//   scenarios/x.json:12:17: /workload/sessions: expected a positive integer, got "ten"
//
// Locating is done only on the error path, by re-scanning the text (nlohmann keeps no
// positions), so the happy path costs one parse (and one linear pre-scan for the nesting depth).
//
// Messages never echo raw control characters or invalid UTF-8 from the input: see
// EscapeForMessage and DumpForMessage.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <optional>

#include "core/json/json_locator.h"
#include "core/util/error.h"

namespace agentsim {

// The deepest nesting of arrays and objects JsonDocument::Parse accepts. Nothing agentsim reads
// needs more, and deeper values would risk overflowing the stack in recursive code (nlohmann's
// copy, error locators).
inline constexpr int kMaxJsonDepth = 256;

class JsonDocument {
 public:
  // Parses `text`; `source_name` (usually a file path) prefixes every error message.
  // Errors (kInvalidArgument), located at the offending byte:
  //   "<source>:<line>:<col>: invalid JSON: <what the parser expected>" (a syntax error; a
  //     number too large for a double, "number overflow parsing '1e400'"; a NUL byte,
  //     "unexpected NUL byte (binary data?)");
  //   "<source>:<line>:<col>: nesting deeper than 256 levels" (kMaxJsonDepth; checked before
  //     parsing);
  //   "<source>:<line>:<col>: <pointer>: duplicate key: ..." (a key twice in one object, located
  //     at its last value; core/json/duplicate_keys.h).
  // Any other parser exception becomes "<source>: invalid JSON: <message>"; none escapes.
  static Result<JsonDocument> Parse(std::string source_name, std::string text,
                                    bool allow_comments = true);
  // The same, except that repeated keys are not an error: the document keeps each repeated key's
  // last value (as nlohmann does) and `*duplicates` gets the duplicate-key message of every
  // repeat, in text order, so that a checker can report them with the document's other problems
  // (agentsim validate). The other errors are Parse's.
  static Result<JsonDocument> ParseListingDuplicates(std::string source_name, std::string text,
                                                     bool allow_comments,
                                                     std::vector<std::string>* duplicates);

  const nlohmann::json& root() const { return root_; }
  const std::string& source_name() const { return source_name_; }
  std::string_view text() const { return text_; }

  // "<source>:<line>:<col>: <pointer>: <message>" for the value at `pointer`, passed through
  // EscapeForMessage.
  std::string Describe(std::string_view pointer, std::string_view message) const;
  // The same message as a kInvalidArgument error.
  Error ErrorAt(std::string_view pointer, std::string_view message) const;
  // DescribeJson(value) for the value at `pointer`, except that a number is shown as written in
  // the text ("number 2e1", "number 18446744073709551616"), not as parsed ("20.0",
  // "1.8446744073709552e+19"); a literal longer than 40 bytes is shown as parsed.
  std::string DescribeAt(std::string_view pointer, const nlohmann::json& value) const;
  // The number literal at `pointer` as written ("2e1"); nullopt when the value there is not a
  // number or its literal is longer than 40 bytes.
  std::optional<std::string> NumberText(std::string_view pointer) const;

 private:
  JsonDocument() = default;
  // Parse and ParseListingDuplicates: with `duplicates` null, the first repeat is an error.
  static Result<JsonDocument> ParseImpl(std::string source_name, std::string text,
                                        bool allow_comments, std::vector<std::string>* duplicates);

  std::string source_name_;
  std::string text_;
  nlohmann::json root_;
  // Speeds up Describe for documents with many errors; shared by copies (same text).
  mutable std::shared_ptr<PointerLocator> locator_;
};

// Escapes a key for use as one JSON pointer token (RFC 6901: ~ -> ~0, / -> ~1).
std::string EscapePointerToken(std::string_view key);

// The error for member `key` of the object at `object_pointer`: "missing required key 'k'
// (<expected>)" located at the object when absent, else "expected <expected>, got <found>"
// located at the member.
Error MemberError(const JsonDocument& doc, std::string_view object_pointer,
                  const nlohmann::json& object, const std::string& key, std::string_view expected);

// A short description of a JSON value's type and (truncated) content for error messages:
// `string "ten"`, `number 3.5`, `object`, `null`. A string longer than 40 bytes is cut at a
// character boundary after at most 37 bytes and ends in "...".
std::string DescribeJson(const nlohmann::json& value);

// `value` as compact JSON text for a message. Never throws: invalid UTF-8 becomes U+FFFD
// (nlohmann's error_handler_t::replace), control characters are escaped (\n, \u0001).
std::string DumpForMessage(const nlohmann::json& value);

// `text` made safe to print: valid UTF-8 is kept, control characters (C0, DEL and C1: U+0000 to
// U+001F, U+007F to U+009F) become "<U+001B>" and bytes that are not valid UTF-8 become "<0xFF>".
// A newline is a control character too: see EscapeLinesForMessage.
std::string EscapeForMessage(std::string_view text);
// The same for each line of a message of several lines: the '\n' between them are kept.
std::string EscapeLinesForMessage(std::string_view text);

// The longest prefix of `text` with at most `max_bytes` bytes that does not split a UTF-8
// character (an invalid byte counts as one character).
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);

}  // namespace agentsim
