// DuplicateKeyFinder: notes the first object key written twice, while nlohmann parses.
//
// RFC 8259 (section 4) says an object's names SHOULD be unique and leaves repeats to the reader;
// nlohmann keeps the last value and drops the others without a word, so a scenario with two
// "workload" keys would run half of what its author wrote. JsonDocument::Parse refuses such a
// text (as serde refuses a duplicate field), naming the key's JSON pointer (RFC 6901).
//
//   DuplicateKeyFinder finder;
//   nlohmann::json j = nlohmann::json::parse(text, finder.Callback());
//   if (finder.duplicate()) ...  // "/workload/executor/type"
//
// Keys are compared after decoding escapes ("a" and "\u0061" are the same key), as nlohmann
// stores them. Thread rules: one parse per finder.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentsim {

class DuplicateKeyFinder {
 public:
  // A parser callback for nlohmann::json::parse that keeps every value (the parsed document is
  // what parse would give without it) and feeds this finder. The finder must outlive the parse.
  nlohmann::json::parser_callback_t Callback();

  // The JSON pointer of the first key (in text order) seen twice in one object, if any.
  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  // One open object or array.
  struct Level {
    bool object = false;
    std::set<std::string> keys;  // objects: the keys read so far
    std::string key;             // objects: the key whose value is being read
    std::size_t index = 0;       // arrays: the element being read
  };

  void OnEvent(nlohmann::json::parse_event_t event, const nlohmann::json& parsed);
  // A value (scalar or closed container) ended: an enclosing array moves to its next element.
  void ValueEnded();
  std::string PointerTo(const std::string& key) const;

  std::vector<Level> levels_;
  std::optional<std::string> duplicate_;
};

}  // namespace agentsim
