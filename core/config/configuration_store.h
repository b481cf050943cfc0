// ConfigurationStore: where agents get their configuration (seed: "Configuration Caching").
//
// This slice has two levels: L1, parsed configs in process, and L3, the DocumentStore port.
// A miss loads the document from L3, parses and checks it (ParseAgentConfig) and keeps the
// result in L1. Statistics count L1 hits, misses and L3 load time.
// Not yet here (see docs/agent-config.md): TTL, bounded LRU, L2, single-flight, negative cache.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/async/task.h"
#include "core/config/agent_config.h"
#include "core/ports/clock.h"
#include "core/ports/document_store.h"
#include "core/util/error.h"

namespace agentsim {

class ConfigurationStore {
 public:
  struct Stats {
    std::uint64_t l1_hits = 0;
    std::uint64_t l1_misses = 0;
    std::uint64_t l3_loads = 0;
    std::uint64_t l3_errors = 0;
    Micros l3_load_time_us = 0;  // sum over loads
  };

  ConfigurationStore(DocumentStore* l3, const Clock* clock) : l3_(l3), clock_(clock) {}

  // The parsed config of `agent_id`. Errors: kNotFound (unknown id), kUnavailable (L3 down),
  // kInvalidArgument (stored document does not parse; message names the agent and the problem).
  Task<Result<std::shared_ptr<const AgentConfig>>> GetAgentConfig(std::string agent_id);

  const Stats& stats() const { return stats_; }

 private:
  DocumentStore* l3_;
  const Clock* clock_;
  std::map<std::string, std::shared_ptr<const AgentConfig>, std::less<>> l1_;
  Stats stats_;
};

}  // namespace agentsim
