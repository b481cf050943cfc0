#include "core/agent/session_manager.h"

namespace agentsim {

Task<Result<std::uint64_t>> SessionManager::CreateSession(std::string agent_id,
                                                          std::string user_id,
                                                          std::string tenant_id, Room* room,
                                                          SessionOptions options) {
  // Tenant isolation is the store's (GetAgentConfigForTenant counts denials).
  Result<std::shared_ptr<const AgentConfig>> config =
      co_await services_.configs->GetAgentConfigForTenant(agent_id, tenant_id);
  if (!config) co_return std::unexpected(config.error());
  if (!(*config)->enabled) {
    co_return FailedPrecondition("agent " + agent_id + " version " + (*config)->version +
                                 " is disabled");
  }
  std::uint64_t id = options.session_id.value_or(next_id_);
  if (sessions_.contains(id) || closing_.contains(id)) {
    co_return InvalidArgument("session id " + std::to_string(id) + " is already active");
  }
  if (services_.quotas != nullptr) {
    if (Status quota = services_.quotas->Acquire(tenant_id, QuotaResource::kSessions); !quota) {
      co_return std::unexpected(quota.error());
    }
  }
  next_id_ = std::max(next_id_, id + 1);
  Logger log = log_.Bind("session", std::to_string(id))
                   .Bind("agent", agent_id)
                   .Bind("tenant", tenant_id)
                   .Bind("user", user_id);
  log.Info("session_created version={}", (*config)->version);
  sessions_.emplace(id, std::make_unique<Agent>(services_, std::move(*config), room, id,
                                                rng_.Fork(id), std::move(log)));
  co_return id;
}

Agent* SessionManager::Find(std::uint64_t session_id) {
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

std::uint64_t SessionManager::NotifyConfigUpdate(std::string_view agent_id,
                                                std::string_view version) {
  std::uint64_t notified = 0;
  for (auto& [id, agent] : sessions_) {
    if (agent->config().agent_id != agent_id) continue;
    if (Status s = agent->NotifyConfigUpdate(version); !s) {
      log_.Warn("config_update_not_delivered session={} error={}", id, s.error().ToString());
    }
    ++notified;
  }
  return notified;
}

Status SessionManager::EndSession(std::uint64_t session_id) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return NotFound("no active session " + std::to_string(session_id));
  if (services_.quotas != nullptr) {
    services_.quotas->ReleaseSession(it->second->config().tenant.tenant_id);
  }
  std::unique_ptr<Agent> agent = std::move(it->second);
  sessions_.erase(it);
  if (!agent->turn_in_flight()) {
    agent->Close();
    return {};  // freed here
  }
  Agent* closing = agent.get();
  closing_.emplace(session_id, std::move(agent));
  closing->Close([this, session_id] { closing_.erase(session_id); });
  return {};
}

}  // namespace agentsim
