#include "core/config/configuration_store.h"

namespace agentsim {

Task<Result<std::shared_ptr<const AgentConfig>>> ConfigurationStore::GetAgentConfig(
    std::string agent_id) {
  if (auto it = l1_.find(agent_id); it != l1_.end()) {
    ++stats_.l1_hits;
    co_return it->second;
  }
  ++stats_.l1_misses;
  ++stats_.l3_loads;
  const Micros started = clock_->NowMicros();
  Result<std::string> text = co_await l3_->GetConfig(agent_id);
  stats_.l3_load_time_us += clock_->NowMicros() - started;
  if (!text) {
    ++stats_.l3_errors;
    co_return std::unexpected(text.error());
  }
  Result<AgentConfig> parsed = ParseAgentConfig("store:" + agent_id, std::move(*text));
  if (!parsed) {
    ++stats_.l3_errors;
    co_return std::unexpected(parsed.error());
  }
  auto config = std::make_shared<const AgentConfig>(std::move(*parsed));
  // Another session may have loaded it while this one waited (no single-flight yet): keep the
  // first so every session shares one object.
  auto [it, inserted] = l1_.emplace(agent_id, config);
  co_return it->second;
}

}  // namespace agentsim
