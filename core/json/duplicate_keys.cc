#include "core/json/duplicate_keys.h"

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/json_document.h"

namespace agentsim {
namespace {

using Json = nlohmann::json;

// nlohmann's SAX events, kept only as far as a key's pointer needs them. Returning false stops
// the parse (at the first duplicate).
class KeyTracker {
 public:
  bool null() { return ValueEnded(); }
  bool boolean(bool) { return ValueEnded(); }
  bool number_integer(Json::number_integer_t) { return ValueEnded(); }
  bool number_unsigned(Json::number_unsigned_t) { return ValueEnded(); }
  bool number_float(Json::number_float_t, const Json::string_t&) { return ValueEnded(); }
  bool string(Json::string_t&) { return ValueEnded(); }
  bool binary(Json::binary_t&) { return ValueEnded(); }
  bool start_object(std::size_t) {
    levels_.emplace_back().object = true;
    return true;
  }
  bool start_array(std::size_t) {
    levels_.emplace_back().object = false;
    return true;
  }
  bool key(Json::string_t& key) {
    Level& level = levels_.back();
    level.key = key;
    if (level.keys.insert(key).second) return true;
    duplicate_ = PointerTo(key);
    return false;
  }
  bool end_object() {
    levels_.pop_back();
    return ValueEnded();
  }
  bool end_array() { return end_object(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  // One open object or array.
  struct Level {
    bool object = false;
    std::set<std::string> keys;  // objects: the keys read so far
    std::string key;             // objects: the key whose value is being read
    std::size_t index = 0;       // arrays: the element being read
  };

  // A value (scalar or closed container) ended: an enclosing array moves to its next element.
  bool ValueEnded() {
    if (!levels_.empty() && !levels_.back().object) ++levels_.back().index;
    return true;
  }

  std::string PointerTo(const std::string& key) const {
    std::string pointer;
    // Every level but the innermost names the member or element that holds the next one.
    for (std::size_t i = 0; i + 1 < levels_.size(); ++i) {
      const Level& level = levels_[i];
      pointer += "/";
      pointer += level.object ? EscapePointerToken(level.key) : std::to_string(level.index);
    }
    return pointer + "/" + EscapePointerToken(key);
  }

  std::vector<Level> levels_;
  std::optional<std::string> duplicate_;
};

}  // namespace

std::optional<std::string> FindDuplicateKey(std::string_view text, bool allow_comments) {
  KeyTracker tracker;
  try {
    Json::sax_parse(text, &tracker, Json::input_format_t::json, /*strict=*/true,
                    /*ignore_comments=*/allow_comments);
  } catch (const Json::exception&) {
    return std::nullopt;  // invalid JSON: the document's own parse reports it
  }
  return tracker.duplicate();
}

}  // namespace agentsim
