#include "core/json/duplicate_keys.h"

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/json/json_document.h"

namespace agentsim {
namespace {

using Json = nlohmann::json;

// nlohmann's SAX events, building the document as json_sax_dom_parser does (values appended to
// the open array, or assigned to the member the last key named), and noting every key that its
// object already holds. Its key's value is then replaced, as nlohmann's parse does.
class DomBuilder {
 public:
  explicit DomBuilder(Json& root) : root_(root) {}

  bool null() { return Value(nullptr); }
  bool boolean(bool value) { return Value(value); }
  bool number_integer(Json::number_integer_t value) { return Value(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return Value(value); }
  bool number_float(Json::number_float_t value, const Json::string_t&) { return Value(value); }
  bool string(Json::string_t& value) { return Value(std::move(value)); }
  bool binary(Json::binary_t& value) { return Value(std::move(value)); }
  bool start_object(std::size_t) {
    levels_.push_back(Level{Place(Json::value_t::object), nullptr});
    return true;
  }
  bool start_array(std::size_t) {
    levels_.push_back(Level{Place(Json::value_t::array), nullptr});
    return true;
  }
  bool key(Json::string_t& key) {
    Level& level = levels_.back();
    auto [member, inserted] = level.container->get_ref<Json::object_t&>().try_emplace(key);
    if (!inserted) {
      std::string pointer = PointerTo(key);
      // The value replaced is discarded: repeats noted inside it are no longer in the document
      // (nor locatable in it); the repeat of this key stands for them.
      const std::string inside = pointer + "/";
      std::erase_if(duplicates_, [&](const std::string& p) { return p.starts_with(inside); });
      duplicates_.push_back(std::move(pointer));
      member->second = Json();
    }
    level.key = &member->first;
    member_ = &member->second;
    return true;
  }
  bool end_object() {
    levels_.pop_back();
    return true;
  }
  bool end_array() { return end_object(); }
  // As json_sax_dom_parser with allow_exceptions: the parser's exception (parse_error,
  // out_of_range for a number beyond double) is thrown as its own type.
  template <typename Exception>
  [[noreturn]] bool parse_error(std::size_t, const std::string&, const Exception& e) {
    throw e;
  }

  std::vector<std::string>& duplicates() { return duplicates_; }

 private:
  // One open object or array; `key` is an object's member being read (the map's own key).
  struct Level {
    Json* container;
    const std::string* key;
  };

  // Where the next value goes: the root, the end of the open array, or the last key's member.
  template <typename V>
  Json* Place(V&& value) {
    if (levels_.empty()) {
      root_ = Json(std::forward<V>(value));
      return &root_;
    }
    Json& container = *levels_.back().container;
    if (container.is_array()) {
      return &container.get_ref<Json::array_t&>().emplace_back(std::forward<V>(value));
    }
    *member_ = Json(std::forward<V>(value));
    return member_;
  }
  template <typename V>
  bool Value(V&& value) {
    Place(std::forward<V>(value));
    return true;
  }

  std::string PointerTo(const std::string& key) const {
    std::string pointer;
    // Every level but the innermost names the member or element that holds the next one: an
    // array's open element is its last.
    for (std::size_t i = 0; i + 1 < levels_.size(); ++i) {
      const Level& level = levels_[i];
      pointer += "/";
      pointer += level.container->is_object() ? EscapePointerToken(*level.key)
                                              : std::to_string(level.container->size() - 1);
    }
    return pointer + "/" + EscapePointerToken(key);
  }

  Json& root_;
  std::vector<Level> levels_;
  Json* member_ = nullptr;
  std::vector<std::string> duplicates_;
};

}  // namespace

JsonWithDuplicates ParseJsonNotingDuplicates(std::string_view text, bool allow_comments) {
  JsonWithDuplicates parsed;
  DomBuilder builder(parsed.root);
  Json::sax_parse(text, &builder, Json::input_format_t::json, /*strict=*/true,
                  /*ignore_comments=*/allow_comments);
  parsed.duplicate_keys = std::move(builder.duplicates());
  return parsed;
}

std::optional<std::string> FindDuplicateKey(std::string_view text, bool allow_comments) {
  try {
    JsonWithDuplicates parsed = ParseJsonNotingDuplicates(text, allow_comments);
    if (parsed.duplicate_keys.empty()) return std::nullopt;
    return std::move(parsed.duplicate_keys.front());
  } catch (const Json::exception&) {
    return std::nullopt;  // invalid JSON
  }
}

}  // namespace agentsim
