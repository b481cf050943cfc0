// FeatureFlagOverrides: runtime feature-flag values that take precedence over an agent config's
// `feature_flags`, as a flag service (LaunchDarkly, Unleash) flips a flag without publishing a
// new config version. The simulator's timeline action `set_feature_flag` writes here.
//
// Readers see the value at the instant they read: the Agent reads its flags once, when the
// session starts (core/agent/agent.h), so a flip affects sessions started after it and never a
// session in progress. An override applies to every version of the agent.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace agentsim {

class FeatureFlagOverrides {
 public:
  // Sets `flag` of `agent_id` to `value` from now on (replacing an earlier override).
  void Set(std::string_view agent_id, std::string_view flag, bool value);
  // The override of `flag` for `agent_id`; nullopt: none (the config's value applies).
  std::optional<bool> Get(std::string_view agent_id, std::string_view flag) const;
  // The config's flags with this agent's overrides applied (keys in byte order).
  std::map<std::string, bool> Apply(std::string_view agent_id,
                                    const std::map<std::string, bool>& config_flags) const;
  bool empty() const { return values_.empty(); }

 private:
  // (agent_id, flag) in byte order; found by views (Get builds no strings).
  struct KeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const std::string_view a1 = a.first;
      const std::string_view b1 = b.first;
      if (a1 != b1) return a1 < b1;
      return std::string_view(a.second) < std::string_view(b.second);
    }
  };
  std::map<std::pair<std::string, std::string>, bool, KeyLess> values_;
};

}  // namespace agentsim
