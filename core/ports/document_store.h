// DocumentStore port (L3): the durable home of agent configurations, as JSON documents keyed by
// agent_id. The simulator's is in memory with modelled latency; a persistent one lives beside it.
#pragma once

#include <string>

#include "core/async/task.h"
#include "core/util/error.h"

namespace agentsim {

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;
  // The current JSON text of `agent_id`. Errors: kNotFound, kUnavailable.
  virtual Task<Result<std::string>> GetConfig(std::string agent_id) = 0;
  // Stores `json_text` as the current document of `agent_id`. Errors: kUnavailable.
  virtual Task<Status> PutConfig(std::string agent_id, std::string json_text) = 0;
};

}  // namespace agentsim
