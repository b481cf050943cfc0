// InMemoryDocumentStore: the simulator's DocumentStore (L3), every method of the port, with a
// lognormal latency per call and scripted outages; completes through the loop.
//
// Timing: every call takes one latency sample (drawn in call order from the store's own Rng
// stream). A call issued at virtual time t with t in an outage window [start_us, end_us) fails
// with kUnavailable after its latency; otherwise the operation is applied when the call
// completes (reads see writes that completed before them).
//
// Versions are ordered by SemVer precedence (CompareSemVer); versions that are not SemVer sort
// first, by text; equal precedence (differing build metadata) by text. GetCurrent is the highest
// non-deprecated one; the `enabled` flag does not affect it. Change and audit sequences start at
// 1. Insert records its change at record.created_at_us, SetFlags at its `at_us`; the change kind
// is "deprecated" when SetFlags turns `deprecated` from false to true, else "updated".
// Error messages match SqliteDocumentStore's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/async/event_loop.h"
#include "core/config/semver.h"
#include "core/ports/document_store.h"
#include "core/rng/distributions.h"
#include "core/rng/rng.h"
#include "mocks/mock_shared_cache.h"  // OutageWindow

namespace agentsim {

struct InMemoryDocumentStoreOptions {
  LogNormalSpec latency_ms{4.0, 15.0};
  std::vector<OutageWindow> outages;
};

class InMemoryDocumentStore final : public DocumentStore {
 public:
  struct Stats {
    std::uint64_t reads = 0;   // GetCurrent, GetVersion, ListVersions, ListAgents, ChangesSince,
                               // ReadAudit calls
    std::uint64_t writes = 0;  // Insert, SetFlags, AppendAudit calls
    std::uint64_t errors = 0;  // calls refused by an outage
  };

  // `loop` not owned.
  InMemoryDocumentStore(EventLoop* loop, Rng rng, InMemoryDocumentStoreOptions options);

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

  // Set-up before (or outside) the run: stores `record` at once, without latency, outages,
  // stats or a change-stream entry (it is the store's initial content). Errors: kAlreadyExists.
  Status Seed(ConfigRecord record);

  std::uint64_t reads() const { return stats_.reads; }
  const Stats& stats() const { return stats_; }

 private:
  struct Version {
    std::optional<SemVer> semver;  // nullopt: not SemVer
    ConfigRecord record;
  };
  // Starts a call: counts it, samples its latency and notes whether it is refused.
  struct Call {
    Micros issued_at_us;
    Micros latency_us;
    bool refused;
  };
  Call Begin(bool write);
  Error Refused(const Call& call);
  Status Store(ConfigRecord record);
  ConfigRecord* Find(const std::string& agent_id, const std::string& version);
  void AppendChange(const std::string& agent_id, const std::string& version, std::string kind,
                    Micros at_us);

  EventLoop* loop_;
  Rng rng_;
  InMemoryDocumentStoreOptions options_;
  std::map<std::string, std::vector<Version>, std::less<>> agents_;  // versions ascending
  std::vector<ConfigChange> changes_;  // changes_[i].sequence == i + 1
  std::vector<AuditEntry> audit_;      // audit_[i].sequence == i + 1
  Stats stats_;
};

}  // namespace agentsim
