// DocumentStore port (L3): the durable home of agent configurations. Every (agent_id, version)
// is an immutable document; only its operational flags change (see docs/configuration.md).
// Implementations: InMemoryDocumentStore (mocks/, simulator, modelled latency) and
// SqliteDocumentStore (adapters/, the embedded default for real use).
//
// Also persists the audit log (append-only; the hash chain is computed by AuditLog in core) and
// serves the change stream that hot reload consumes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/async/task.h"
#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

struct ConfigRecord {
  std::string agent_id;
  std::string version;     // SemVer 2.0.0
  std::string tenant_id;   // tenant_config.tenant_id, for isolation without parsing
  std::string json_text;   // the config document as stored
  bool enabled = true;     // operational: may change after creation
  bool deprecated = false; // operational: deprecated versions are never "current"
  Micros created_at_us = 0;
  std::string created_by;  // user id of the principal that created it
};

// One entry of the change stream: something about (agent_id, version) changed.
struct ConfigChange {
  std::uint64_t sequence = 0;  // 1, 2, ... in commit order
  Micros at_us = 0;
  std::string agent_id;
  std::string version;
  std::string kind;            // "created" | "updated" | "deprecated"
};

// One audit log entry, as persisted. Hashes are computed by core/security/audit_log.h.
struct AuditEntry {
  std::uint64_t sequence = 0;  // 1, 2, ... in append order
  Micros at_us = 0;
  std::string user_id;
  std::string role;            // admin | developer | viewer
  std::string tenant_id;
  std::string action;          // create_agent_config | update_agent_config | deprecate_agent_config | ...
  std::string agent_id;
  std::string version;
  std::string outcome;         // "ok" | "denied" | "refused"
  std::string detail;          // why denied/refused; empty when ok
  std::string patch_json;      // RFC 6902 JSON Patch from the previous document to the new one
  std::string prev_hash;       // hex SHA-256 of the previous entry (64 '0' for the first)
  std::string hash;            // hex SHA-256 of this entry's canonical form (incl. prev_hash)
};

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  // The current version of `agent_id`: the highest SemVer precedence among its versions that
  // are not deprecated. Errors: kNotFound (unknown id, or every version deprecated),
  // kUnavailable.
  virtual Task<Result<ConfigRecord>> GetCurrent(std::string agent_id) = 0;
  // One version. Errors: kNotFound, kUnavailable.
  virtual Task<Result<ConfigRecord>> GetVersion(std::string agent_id, std::string version) = 0;
  // Every version of `agent_id`, in ascending SemVer precedence. Errors: kNotFound.
  virtual Task<Result<std::vector<ConfigRecord>>> ListVersions(std::string agent_id) = 0;
  // Every agent_id, sorted by byte order.
  virtual Task<Result<std::vector<std::string>>> ListAgents() = 0;

  // Stores a new version and appends a "created" change. Errors: kAlreadyExists for an
  // existing (agent_id, version), kUnavailable.
  virtual Task<Status> Insert(ConfigRecord record) = 0;
  // Sets the operational flags of an existing version and appends an "updated" (or
  // "deprecated", when `deprecated` becomes true) change. json_text and the other fields are
  // not changed. Errors: kNotFound, kUnavailable.
  virtual Task<Status> SetFlags(std::string agent_id, std::string version, bool enabled,
                                bool deprecated, Micros at_us) = 0;
  // Changes with sequence > `after`, ascending.
  virtual Task<Result<std::vector<ConfigChange>>> ChangesSince(std::uint64_t after) = 0;

  // Appends one audit entry (sequence and hashes already set by AuditLog). Errors: kUnavailable,
  // kFailedPrecondition when entry.sequence is not the next one.
  virtual Task<Status> AppendAudit(AuditEntry entry) = 0;
  // The whole audit log, ascending by sequence (as stored: verification is AuditLog's).
  virtual Task<Result<std::vector<AuditEntry>>> ReadAudit() = 0;
};

}  // namespace agentsim
