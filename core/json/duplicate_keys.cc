#include "core/json/duplicate_keys.h"

#include "core/json/json_document.h"

namespace agentsim {

nlohmann::json::parser_callback_t DuplicateKeyFinder::Callback() {
  return [this](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    OnEvent(event, parsed);
    return true;
  };
}

void DuplicateKeyFinder::OnEvent(nlohmann::json::parse_event_t event,
                                 const nlohmann::json& parsed) {
  using Event = nlohmann::json::parse_event_t;
  switch (event) {
    case Event::object_start:
      levels_.emplace_back().object = true;
      break;
    case Event::array_start:
      levels_.emplace_back().object = false;
      break;
    case Event::key: {
      Level& level = levels_.back();
      level.key = parsed.get_ref<const std::string&>();
      if (!level.keys.insert(level.key).second && !duplicate_) duplicate_ = PointerTo(level.key);
      break;
    }
    case Event::object_end:
    case Event::array_end:
      levels_.pop_back();
      ValueEnded();
      break;
    case Event::value:
      ValueEnded();
      break;
  }
}

void DuplicateKeyFinder::ValueEnded() {
  if (!levels_.empty() && !levels_.back().object) ++levels_.back().index;
}

std::string DuplicateKeyFinder::PointerTo(const std::string& key) const {
  std::string pointer;
  // Every level but the innermost names the member or element that holds the next one.
  for (std::size_t i = 0; i + 1 < levels_.size(); ++i) {
    const Level& level = levels_[i];
    pointer += "/";
    pointer += level.object ? EscapePointerToken(level.key) : std::to_string(level.index);
  }
  return pointer + "/" + EscapePointerToken(key);
}

}  // namespace agentsim
