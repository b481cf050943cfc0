// In-memory DocumentStore (L3) with a lognormal read/write latency; completes through the loop.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/async/event_loop.h"
#include "core/ports/document_store.h"
#include "core/rng/distributions.h"
#include "core/rng/rng.h"

namespace agentsim {

struct InMemoryDocumentStoreOptions {
  LogNormalSpec latency_ms{4.0, 15.0};
};

class InMemoryDocumentStore final : public DocumentStore {
 public:
  InMemoryDocumentStore(EventLoop* loop, Rng rng, InMemoryDocumentStoreOptions options)
      : loop_(loop), rng_(rng), options_(options) {}

  Task<Result<std::string>> GetConfig(std::string agent_id) override;
  Task<Status> PutConfig(std::string agent_id, std::string json_text) override;

  // Set-up before the run starts: stores without latency.
  void Insert(std::string agent_id, std::string json_text);

  std::uint64_t reads() const { return reads_; }

 private:
  EventLoop* loop_;
  Rng rng_;
  InMemoryDocumentStoreOptions options_;
  std::map<std::string, std::string, std::less<>> documents_;
  std::uint64_t reads_ = 0;
};

}  // namespace agentsim
