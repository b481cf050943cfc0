#include "core/config/feature_flag_overrides.h"

namespace agentsim {

void FeatureFlagOverrides::Set(std::string_view agent_id, std::string_view flag, bool value) {
  values_[{std::string(agent_id), std::string(flag)}] = value;
}

std::optional<bool> FeatureFlagOverrides::Get(std::string_view agent_id,
                                              std::string_view flag) const {
  if (values_.empty()) return std::nullopt;
  auto it = values_.find(std::pair<std::string_view, std::string_view>(agent_id, flag));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, bool> FeatureFlagOverrides::Apply(
    std::string_view agent_id, const std::map<std::string, bool>& config_flags) const {
  std::map<std::string, bool> flags = config_flags;
  for (const auto& [key, value] : values_) {
    if (key.first == agent_id) flags[key.second] = value;
  }
  return flags;
}

}  // namespace agentsim
