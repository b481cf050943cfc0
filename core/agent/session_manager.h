// SessionManager (seed: "Integration Tests", "Tenant Isolation"): creates a session's Agent from
// its agent_id's current config, tracks active sessions, ends them.
//
// Each session's Agent draws from its own RNG stream, forked from the manager's stream by the
// session id, so a session's draws depend only on (run seed, session id).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/agent/agent.h"
#include "core/async/task.h"
#include "core/log/logger.h"
#include "core/ports/room.h"
#include "core/rng/rng.h"
#include "core/util/error.h"

namespace agentsim {

struct SessionOptions {
  // The id to use; the simulator passes the workload's session number so ids (and thus RNG
  // streams) do not depend on creation order. Default: the next unused sequential id from 1.
  std::optional<std::uint64_t> session_id;
};

class SessionManager {
 public:
  SessionManager(AgentServices services, Rng rng, Logger log)
      : services_(services), rng_(rng), log_(std::move(log)) {}

  // Fetches `agent_id`'s config and starts a session for `user_id` of `tenant_id` in `room`
  // (not owned; REQUIRES: outlives the session). Errors: those of ConfigurationStore,
  // kPermissionDenied when the config belongs to another tenant (the seed's
  // TenantIsolationMiddleware), kFailedPrecondition when the config is disabled,
  // kResourceExhausted when the tenant is at its max_sessions quota, kInvalidArgument when
  // SessionOptions::session_id is already active or still closing.
  Task<Result<std::uint64_t>> CreateSession(std::string agent_id, std::string user_id,
                                            std::string tenant_id, Room* room,
                                            SessionOptions options = {});

  // The active session's agent, or nullptr.
  Agent* Find(std::uint64_t session_id);
  // Ends a session: it is no longer active (Find returns nullptr, no config notices) and its
  // quota slot is returned at once. Between turns its agent is freed now; with a turn in flight
  // the turn is cancelled (Agent::Close: nothing is published after this call, no further
  // backend call starts) and the agent is freed when that turn returns its record (reason
  // "session_closed") — so the caller awaiting the turn must not use the agent after it.
  // Errors: kNotFound.
  Status EndSession(std::uint64_t session_id);
  std::size_t active_session_count() const { return sessions_.size(); }
  // Ended sessions whose cancelled turn has not returned yet (their agents are still alive).
  std::size_t closing_session_count() const { return closing_.size(); }
  // Tells every active session of `agent_id` that `version` was published (Agent::
  // NotifyConfigUpdate), in session id order. Returns how many were notified.
  std::uint64_t NotifyConfigUpdate(std::string_view agent_id, std::string_view version);

 private:
  AgentServices services_;
  Rng rng_;
  Logger log_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::unique_ptr<Agent>> sessions_;
  std::map<std::uint64_t, std::unique_ptr<Agent>> closing_;  // see EndSession
};

}  // namespace agentsim
