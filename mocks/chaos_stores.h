// Fault-injecting wrappers of the document store (L3) and shared cache (L2) ports. Before a call
// reaches the wrapped backend:
//
//   a timeline outage of the backend    kUnavailable after error_after_us (site "timeline")
//   chaos store.outage / shared_cache.outage
//                                       kUnavailable after error_after_us (site: its name)
//   chaos store.slow (store only)       slow_us extra latency, then the call goes on
//   a scripted outage window of the     logged (site ""), then the call goes on and the wrapped
//   scenario (backends.store.outages,   mock refuses it as before (the wrapper only makes it
//   backends.shared_cache.outages)      visible in injected_fault)
//
// Every fault is logged in the FaultControl (backend "store" or "shared_cache", provider "").
// Calls that meet no fault reach the wrapped backend unchanged, with no draw and no delay.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/async/event_loop.h"
#include "core/ports/document_store.h"
#include "core/ports/shared_cache.h"
#include "mocks/chaos_control.h"
#include "mocks/mock_shared_cache.h"  // OutageWindow

namespace agentsim {

class ChaosDocumentStore final : public DocumentStore {
 public:
  // Not owned; REQUIRES: all outlive the wrapper. `scripted`: the wrapped store's outages.
  ChaosDocumentStore(DocumentStore* inner, FaultControl* control, EventLoop* loop,
                     std::vector<OutageWindow> scripted)
      : inner_(inner), control_(control), loop_(loop), scripted_(std::move(scripted)) {}

  Task<Result<ConfigRecord>> GetCurrent(std::string agent_id) override;
  Task<Result<ConfigRecord>> GetVersion(std::string agent_id, std::string version) override;
  Task<Result<std::vector<ConfigRecord>>> ListVersions(std::string agent_id) override;
  Task<Result<std::vector<std::string>>> ListAgents() override;
  Task<Status> Insert(ConfigRecord record) override;
  Task<Status> SetFlags(std::string agent_id, std::string version, bool enabled, bool deprecated,
                        Micros at_us) override;
  Task<Result<std::vector<ConfigChange>>> ChangesSince(std::uint64_t after) override;
  Task<Status> AppendAudit(AuditEntry entry) override;
  Task<Result<std::vector<AuditEntry>>> ReadAudit() override;

 private:
  // The faults of one call: the error to return (after sleeping), or nullopt to go on.
  Task<std::optional<Error>> Before();

  DocumentStore* inner_;
  FaultControl* control_;
  EventLoop* loop_;
  std::vector<OutageWindow> scripted_;
};

class ChaosSharedCache final : public SharedCache {
 public:
  // Not owned; REQUIRES: all outlive the wrapper. `scripted`: the wrapped cache's outages.
  ChaosSharedCache(SharedCache* inner, FaultControl* control, EventLoop* loop,
                   std::vector<OutageWindow> scripted)
      : inner_(inner), control_(control), loop_(loop), scripted_(std::move(scripted)) {}

  Task<Result<std::optional<std::string>>> Get(std::string key) override;
  Task<Status> Set(std::string key, std::string value, Micros ttl_us) override;
  Task<Status> Delete(std::string key) override;

 private:
  Task<std::optional<Error>> Before();

  SharedCache* inner_;
  FaultControl* control_;
  EventLoop* loop_;
  std::vector<OutageWindow> scripted_;
};

}  // namespace agentsim
