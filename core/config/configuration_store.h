// ConfigurationStore (seed: "Configuration Caching", "Configuration Immutability", "Audit
// Logging", "Tenant Isolation"): how agents read their configuration and how people change it.
//
// Reads go L1 -> L2 -> L3:
//   L1  parsed configs in this process: TTL, bounded with least-recently-used eviction;
//   L2  the SharedCache port (documents as text, TTL), shared by every worker; optional;
//   L3  the DocumentStore port, reached through a connection pool (max size, FIFO waiters,
//       acquire timeout -> kDeadlineExceeded).
// Fixes to the seed's sketch: concurrent misses for one key wait for a single load
// (single-flight; counted as coalesced waits); unknown ids are cached negatively for
// negative_ttl_us; every TTL may be jittered by +/- ttl_jitter; Invalidate drops an agent from
// L1 and L2 (hot reload). Statistics per level, overall and per window of virtual time.
//
// Writes take a Principal, are authorised (RBAC + tenant), validated (ConfigValidator), checked
// for immutability and schema evolution, stored as new immutable versions, and audited (every
// change and every denial).
//
// Files: configuration_store.cc (reads, caching), configuration_store_writes.cc (writes).
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/async/task.h"
#include "core/config/agent_config.h"
#include "core/config/connection_pool.h"
#include "core/ports/clock.h"
#include "core/ports/document_store.h"
#include "core/ports/shared_cache.h"
#include "core/rng/rng.h"
#include "core/security/audit_log.h"
#include "core/security/principal.h"
#include "core/tenancy/tenant_quota_manager.h"
#include "core/schema/schema_registry.h"
#include "core/util/error.h"

namespace agentsim {

struct ConfigurationStoreOptions {
  Micros l1_ttl_us = 300 * kMicrosPerSecond;        // seed: 5 min
  std::size_t l1_capacity = 1024;                   // entries, positive and negative
  Micros l2_ttl_us = 300 * kMicrosPerSecond;        // seed: SETEX 300
  Micros negative_ttl_us = 5 * kMicrosPerSecond;
  double ttl_jitter = 0.0;                          // TTL x uniform[1 - j, 1 + j], 0 <= j < 1
  std::size_t pool_size = 50;                       // seed: maxPoolSize=50
  Micros pool_acquire_timeout_us = 5 * kMicrosPerSecond;  // seed: serverSelectionTimeoutMS
  Micros stats_window_us = 60 * kMicrosPerSecond;
};

enum class CacheLevel { kL1 = 1, kL2 = 2, kL3 = 3 };

struct CacheLevelStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t expirations = 0;     // entries found expired (counted as misses too)
  std::uint64_t evictions = 0;       // L1 only: LRU evictions
  std::uint64_t coalesced_waits = 0; // L1 only: misses that waited for another's load
  std::uint64_t negative_hits = 0;   // L1 only: unknown ids answered from the negative cache
  std::uint64_t errors = 0;          // L2/L3: backend errors
  std::uint64_t loads = 0;           // L2/L3: requests sent
  Micros load_time_us = 0;           // L2/L3: sum of request latencies (L3 includes pool wait)
};

struct CacheWindowStats {
  Micros window_start_us = 0;
  CacheLevel level = CacheLevel::kL1;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
};

class ConfigurationStore {
 public:
  // Not owned: l3, clock (required); l2, schemas, audit (may be null: no L2, no schema sharing,
  // no audit). `rng` draws TTL jitter.
  ConfigurationStore(DocumentStore* l3, SharedCache* l2, Clock* clock, Rng rng,
                     ConfigurationStoreOptions options, SchemaRegistry* schemas = nullptr,
                     AuditLog* audit = nullptr);

  // ---- Reads ----
  // The current config of `agent_id`. Errors: kNotFound (also from the negative cache),
  // kUnavailable, kDeadlineExceeded (pool), kInvalidArgument (stored document does not parse).
  Task<Result<std::shared_ptr<const AgentConfig>>> GetAgentConfig(std::string agent_id);
  // GetAgentConfig's L1 hit without a coroutine (no frame, no copy of the id): when
  // `agent_id` has a live L1 entry (positive or negative), counts the hit exactly as
  // GetAgentConfig does and returns its result. nullopt, with nothing counted or changed, when
  // it has none (absent or expired): call GetAgentConfig then.
  std::optional<Result<std::shared_ptr<const AgentConfig>>> FindLiveInL1(
      std::string_view agent_id);
  // The same for a session or principal of `tenant_id`: kPermissionDenied (counted) when the
  // config belongs to another tenant (seed: TenantIsolationMiddleware).
  Task<Result<std::shared_ptr<const AgentConfig>>> GetAgentConfigForTenant(std::string agent_id,
                                                                           std::string tenant_id);
  // Drops `agent_id` from L1 and L2.
  Task<void> Invalidate(std::string agent_id);

  // ---- Writes (RBAC, validation, immutability, evolution, audit) ----
  // Stores `json_text` as a new immutable version. Errors: kPermissionDenied (role or tenant;
  // audited), kInvalidArgument (validation: every problem, one per line), kAlreadyExists (that
  // version exists: "versions are immutable; create a new version"), kFailedPrecondition
  // (breaking schema change without a major version bump: the changes are listed).
  Task<Result<ConfigRecord>> CreateAgentConfig(Principal who, std::string json_text);
  // Changes operational fields of an existing version: `changes` may hold only "enabled"
  // (bool). Anything else: kFailedPrecondition "... create a new version". Audited.
  Task<Status> UpdateAgentConfig(Principal who, std::string agent_id, std::string version,
                                 nlohmann::json changes);
  // Marks a version deprecated (never current again). Needs update_agent. Audited.
  Task<Status> DeprecateAgentConfig(Principal who, std::string agent_id, std::string version);
  // Versions of `agent_id`, for a principal with view_agent in its tenant.
  Task<Result<std::vector<ConfigRecord>>> ListVersions(Principal who, std::string agent_id);

  // ---- Statistics ----
  const CacheLevelStats& stats(CacheLevel level) const;
  // Per window of options.stats_window_us, ordered by (window, level).
  std::vector<CacheWindowStats> WindowStats() const;
  const ConnectionPool::Stats& pool_stats() const { return pool_.stats(); }
  std::uint64_t isolation_denials() const { return isolation_denials_; }
  // L2 hits whose document had been parsed before and whose config was still alive, so it was
  // not parsed again (ParseL2Document).
  std::uint64_t parses_reused() const { return parses_reused_; }

  // Enforces max_agents on CreateAgentConfig of a new agent_id (not owned; may be null). The
  // caller primes the manager with the agents that already exist.
  void set_quotas(TenantQuotaManager* quotas) { quotas_ = quotas; }

 private:
  friend class ConfigurationStorePeer;  // tests/core/config/configuration_store_test.cc

  // One L1 entry: a parsed config, or (negative) the kNotFound error of an unknown id. Live
  // while NowMicros() < expires_at_us.
  struct L1Entry {
    std::shared_ptr<const AgentConfig> config;
    std::optional<Error> negative;
    Micros expires_at_us = 0;
    std::list<std::string>::iterator lru_pos;
  };
  struct Flight;  // a load in progress (single-flight)
  struct Loaded;  // what a load found, and what to cache

  // Reads (configuration_store.cc).
  // L2 then L3 (through the pool); counts L2/L3 statistics; caches nothing itself.
  Task<Loaded> Load(std::string agent_id);
  // The config an L2 document parses to. An L1 expiry reloads the same document from L2 (the
  // commonest load of a long run), and parsing the same text gives the same config, so a
  // document is parsed again only when no holder (L1, a session) keeps its config alive. Null
  // when the document does not parse (counted as an L2 error by the caller).
  std::shared_ptr<const AgentConfig> ParseL2Document(const std::string& agent_id,
                                                     std::string text);
  // GetCurrent on a pooled connection. Errors: the pool's and the store's.
  Task<Result<ConfigRecord>> FetchFromL3(std::string agent_id);
  // `ttl` x uniform[1 - j, 1 + j] (rounded to µs); `ttl` itself when j == 0 (no draw).
  Micros Jittered(Micros ttl);
  void CountWindow(CacheLevel level, bool hit);
  CacheLevelStats& Level(CacheLevel level) { return stats_[static_cast<int>(level) - 1]; }
  // Inserts or replaces the L1 entry (most recently used), then evicts LRU entries beyond
  // l1_capacity. `negative` set: a negative entry (config ignored) for negative_ttl_us.
  void PutL1(const std::string& agent_id, std::shared_ptr<const AgentConfig> config,
             std::optional<Error> negative);
  void EraseL1(std::map<std::string, std::unique_ptr<L1Entry>, std::less<>>::iterator it);
  // Drops `agent_id` from L1 (not L2) and detaches a load in flight for it: that load still
  // answers its waiters but caches nothing, and the next miss starts a fresh load. Synchronous;
  // for use after writes.
  void DropFromL1(const std::string& agent_id);
  // Bumped by DropFromL1: a load caches its result only if its agent's generation is unchanged.
  std::uint64_t Generation(const std::string& agent_id) const;
  // Writes (configuration_store_writes.cc).
  // `action` has static storage (a constant).
  Task<Status> Audit(const Principal& who, std::string_view action, std::string agent_id,
                     std::string version, std::string outcome, std::string detail,
                     const nlohmann::json& before, const nlohmann::json& after);

  DocumentStore* l3_;
  SharedCache* l2_;
  Clock* clock_;
  Rng rng_;
  ConfigurationStoreOptions options_;
  SchemaRegistry* schemas_;
  AuditLog* audit_;
  ConnectionPool pool_;

  // L1: LRU list (front = most recent) + index; ordered map for determinism.
  std::list<std::string> lru_;
  std::map<std::string, std::unique_ptr<L1Entry>, std::less<>> l1_;
  std::map<std::string, std::shared_ptr<Flight>, std::less<>> flights_;
  std::map<std::string, std::uint64_t, std::less<>> generations_;  // ids ever dropped
  // ParseL2Document's configs by document text; entries whose config has died are dropped when
  // the map doubles past the live count.
  std::map<std::string, std::weak_ptr<const AgentConfig>, std::less<>> parsed_l2_;
  std::size_t parsed_l2_prune_at_ = 16;
  CacheLevelStats stats_[3];
  std::map<std::pair<Micros, int>, CacheWindowStats> windows_;
  // Per level, the window counted last (virtual time only moves forward, so nearly every count
  // lands in it): a map lookup only when a new window starts. Map values do not move.
  struct WindowCursor {
    Micros start_us = -1;
    CacheWindowStats* stats = nullptr;
  };
  WindowCursor window_cursors_[3];
  std::uint64_t isolation_denials_ = 0;
  std::uint64_t parses_reused_ = 0;
  TenantQuotaManager* quotas_ = nullptr;
};

}  // namespace agentsim
