// ParseJsonNotingDuplicates: nlohmann's parse of a JSON text that also names the first object
// key written twice.
//
// RFC 8259 (section 4) says an object's names SHOULD be unique and leaves repeats to the reader;
// nlohmann keeps the last value and drops the others without a word, so a scenario with two
// "workload" keys would run half of what its author wrote. JsonDocument::Parse refuses such a
// text (as serde refuses a duplicate field), naming the key's JSON pointer (RFC 6901).
//
// One pass of nlohmann's SAX parser whose handler builds the document as nlohmann's own
// (json_sax_dom_parser) does and notes a key its object already holds: the text is lexed once
// (a separate check pass doubled the parse of a config or scenario). nlohmann's parser callback
// could not be used: its parser rescans an array or object after each child container closes,
// quadratic for 100,000 objects in one array. Linear in the text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentsim {

struct JsonWithDuplicates {
  // The document as nlohmann::json::parse gives it: of a key written more than once, the last
  // value is kept.
  nlohmann::json root;
  // The JSON pointer of every key (in text order) that its object already held, once per repeat
  // ({"a": 1, "a": 2, "a": 3} gives "/a" twice), keys compared decoded ("a" and "\u0061" are
  // the same key) as nlohmann stores them; empty when there is none. A repeat inside a value
  // that a later repeat replaces is not listed (it is not in the document): that later repeat
  // is.
  std::vector<std::string> duplicate_keys;
};

// Parses `text` (with // and /* */ comments when `allow_comments`). Errors: throws what
// nlohmann::json::parse throws (parse_error with the byte offset, out_of_range for a number
// beyond double), so a syntax error is reported before any duplicate.
JsonWithDuplicates ParseJsonNotingDuplicates(std::string_view text, bool allow_comments);

// The first duplicate key of ParseJsonNotingDuplicates, or nullopt also for a text that is not
// valid JSON.
std::optional<std::string> FindDuplicateKey(std::string_view text, bool allow_comments);

}  // namespace agentsim
