// SqliteDocumentStore: the persistent DocumentStore (L3) — the embedded default for real use
// (`agentsim configs ... --store FILE`). One SQLite file holds every config version, the change
// stream and the audit log (schema in docs/configuration.md). Calls complete synchronously (the
// returned tasks never suspend); single writer per file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "core/ports/document_store.h"

namespace agentsim {

class SqliteDocumentStore final : public DocumentStore {
 public:
  // Opens `path`, creating the file and schema when absent (an empty file, or an SQLite
  // database without tables or application_id, becomes a store). Errors: kInvalidArgument when
  // the file is not an agentsim config store ("<path>: not an agentsim config store (not an
  // SQLite database)", "...: PRAGMA application_id is N, expected 1095189331") or has another
  // schema version (PRAGMA user_version); kUnavailable when it cannot be opened or created. A
  // refused file is not modified.
  static Result<std::unique_ptr<SqliteDocumentStore>> Open(const std::string& path);

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

  // Synchronous forms (the coroutines above wrap these).
  Result<std::vector<ConfigRecord>> Versions(const std::string& agent_id);
  Result<std::vector<AuditEntry>> Audit();

  const std::string& path() const { return path_; }

 private:
  SqliteDocumentStore(std::string path, sqlite::DbPtr db)
      : path_(std::move(path)), db_(std::move(db)) {}
  Status AppendChange(const std::string& agent_id, const std::string& version,
                      const std::string& kind, Micros at_us);
  // The bodies of Insert, SetFlags and AppendAudit; each runs inside one transaction.
  Status InsertNow(const ConfigRecord& record);
  Status SetFlagsNow(const std::string& agent_id, const std::string& version, bool enabled,
                     bool deprecated, Micros at_us);
  Status AppendAuditNow(const AuditEntry& entry);

  std::string path_;
  sqlite::DbPtr db_;
};

}  // namespace agentsim
