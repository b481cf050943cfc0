// StreamFieldExtractor: watches a structured LLM output arrive chunk by chunk and yields the
// decoded value of one top-level string field (tts_config.text_field) as soon as that value is
// complete, so that TTS can start before the rest of the object arrives (llm_config.stream).
//
// What it reads: bytes before the first '{' are skipped (prose); the first top-level object is
// scanned with a small string-aware state machine (nesting depth, strings, escapes), and only
// keys at depth 1 are matched. A value is yielded only when its closing quote has arrived; it is
// decoded with nlohmann::json (all JSON escapes, \u surrogate pairs). A value that is not a
// string (a number, an object...), an undecodable string, or a field that never arrives yields
// nothing. The extractor checks no schema constraints: the agent validates the whole object with
// ParseLlmOutput when the stream ends (required fields, types, truncation), as before.
// Bytes after the top-level object closes are ignored. Memory: the raw value and key being read.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agentsim {

class StreamFieldExtractor {
 public:
  explicit StreamFieldExtractor(std::string field) : field_(std::move(field)) {}

  // Reads the next chunk. Returns the decoded field value the first time it is complete (at
  // most once per extractor); nullopt otherwise.
  std::optional<std::string> Feed(std::string_view chunk);

  // The field it extracts.
  const std::string& field() const { return field_; }
  // The field's decoded value once complete.
  const std::optional<std::string>& value() const { return value_; }
  // The top-level object's closing brace has been read.
  bool object_closed() const { return closed_; }

 private:
  void OnStringEnd();

  std::string field_;
  std::optional<std::string> value_;
  bool started_ = false;
  bool closed_ = false;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool expect_value_ = false;  // at depth 1, after ':' and before the value
  bool string_is_key_ = false;
  bool string_is_target_ = false;
  std::string raw_;            // raw bytes of the depth-1 key or target value being read
  std::string key_;            // decoded last key at depth 1
  bool yielded_ = false;
  std::optional<std::string> pending_;
};

}  // namespace agentsim
