#include "adapters/sqlite_document_store.h"

#include <sqlite3.h>

#include <algorithm>

#include "core/config/semver.h"

namespace agentsim {
namespace {

// "AGCS": agentsim config store.
constexpr std::int64_t kStoreApplicationId = 0x41474353;
constexpr std::int64_t kStoreSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS config_version (
  agent_id TEXT NOT NULL,
  version TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  json_text TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  deprecated INTEGER NOT NULL,
  created_at_us INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (agent_id, version)
);
CREATE TABLE IF NOT EXISTS config_change (
  sequence INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  agent_id TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
  sequence INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  action TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  version TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  patch_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
)sql";

constexpr const char* kRecordColumns =
    "agent_id, version, tenant_id, json_text, enabled, deprecated, created_at_us, created_by";

std::string Text(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  return text == nullptr ? std::string()
                         : std::string(reinterpret_cast<const char*>(text),
                                       static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
}

int Bind(sqlite3_stmt* stmt, int index, const std::string& value) {
  return sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()),
                           SQLITE_TRANSIENT);
}

ConfigRecord ReadRecord(sqlite3_stmt* stmt) {
  ConfigRecord r;
  r.agent_id = Text(stmt, 0);
  r.version = Text(stmt, 1);
  r.tenant_id = Text(stmt, 2);
  r.json_text = Text(stmt, 3);
  r.enabled = sqlite3_column_int(stmt, 4) != 0;
  r.deprecated = sqlite3_column_int(stmt, 5) != 0;
  r.created_at_us = sqlite3_column_int64(stmt, 6);
  r.created_by = Text(stmt, 7);
  return r;
}

// Ascending SemVer precedence; unparseable versions (never stored by ConfigurationStore) sort
// first, by text.
void SortByPrecedence(std::vector<ConfigRecord>& records) {
  std::stable_sort(records.begin(), records.end(),
                   [](const ConfigRecord& a, const ConfigRecord& b) {
                     auto va = SemVer::Parse(a.version);
                     auto vb = SemVer::Parse(b.version);
                     if (va && vb) return CompareSemVer(*va, *vb) < 0;
                     if (va.has_value() != vb.has_value()) return !va.has_value();
                     return a.version < b.version;
                   });
}

}  // namespace

Result<std::unique_ptr<SqliteDocumentStore>> SqliteDocumentStore::Open(const std::string& path) {
  auto db = sqlite::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return std::unexpected(std::move(db.error()));
  auto app_id = sqlite::ReadIntPragma(db->get(), "PRAGMA application_id", path);
  if (!app_id) return std::unexpected(std::move(app_id.error()));
  auto tables = sqlite::ReadIntPragma(db->get(), "SELECT count(*) FROM sqlite_master", path);
  if (!tables) return std::unexpected(std::move(tables.error()));
  if (*tables > 0 && *app_id != kStoreApplicationId) {
    return InvalidArgument(path + ": not an agentsim config store (PRAGMA application_id is " +
                           std::to_string(*app_id) + ")");
  }
  if (*tables == 0) {
    const std::string setup = "PRAGMA application_id = " + std::to_string(kStoreApplicationId) +
                              "; PRAGMA user_version = " + std::to_string(kStoreSchemaVersion) +
                              ";";
    if (auto s = sqlite::Exec(db->get(), setup.c_str(), path); !s) {
      return std::unexpected(std::move(s.error()));
    }
  }
  if (auto s = sqlite::Exec(db->get(), kSchema, path); !s) {
    return std::unexpected(std::move(s.error()));
  }
  return std::unique_ptr<SqliteDocumentStore>(new SqliteDocumentStore(path, std::move(*db)));
}

Result<std::vector<ConfigRecord>> SqliteDocumentStore::Versions(const std::string& agent_id) {
  auto stmt = sqlite::Prepare(db_.get(),
                              std::string("SELECT ") + kRecordColumns +
                                  " FROM config_version WHERE agent_id = ?1",
                              path_);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  Bind(stmt->get(), 1, agent_id);
  std::vector<ConfigRecord> out;
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) out.push_back(ReadRecord(stmt->get()));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "read"));
  SortByPrecedence(out);
  return out;
}

Task<Result<std::vector<ConfigRecord>>> SqliteDocumentStore::ListVersions(std::string agent_id) {
  Result<std::vector<ConfigRecord>> versions = Versions(agent_id);
  if (versions && versions->empty()) co_return NotFound("no config for agent " + agent_id);
  co_return versions;
}

Task<Result<ConfigRecord>> SqliteDocumentStore::GetCurrent(std::string agent_id) {
  Result<std::vector<ConfigRecord>> versions = Versions(agent_id);
  if (!versions) co_return std::unexpected(versions.error());
  for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
    if (!it->deprecated) co_return *it;
  }
  co_return NotFound(versions->empty() ? "no config for agent " + agent_id
                                       : "every version of agent " + agent_id + " is deprecated");
}

Task<Result<ConfigRecord>> SqliteDocumentStore::GetVersion(std::string agent_id,
                                                           std::string version) {
  Result<std::vector<ConfigRecord>> versions = Versions(agent_id);
  if (!versions) co_return std::unexpected(versions.error());
  for (ConfigRecord& r : *versions) {
    if (r.version == version) co_return std::move(r);
  }
  co_return NotFound("no version " + version + " of agent " + agent_id);
}

Task<Result<std::vector<std::string>>> SqliteDocumentStore::ListAgents() {
  auto stmt = sqlite::Prepare(
      db_.get(), "SELECT DISTINCT agent_id FROM config_version ORDER BY agent_id", path_);
  if (!stmt) co_return std::unexpected(stmt.error());
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) out.push_back(Text(stmt->get(), 0));
  if (rc != SQLITE_DONE) co_return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "read"));
  co_return out;
}

Status SqliteDocumentStore::AppendChange(const std::string& agent_id, const std::string& version,
                                         const std::string& kind, Micros at_us) {
  auto stmt = sqlite::Prepare(
      db_.get(), "INSERT INTO config_change (at_us, agent_id, version, kind) VALUES (?1, ?2, ?3, ?4)",
      path_);
  if (!stmt) return std::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, at_us);
  Bind(stmt->get(), 2, agent_id);
  Bind(stmt->get(), 3, version);
  Bind(stmt->get(), 4, kind);
  const int rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "write change"));
  return {};
}

Task<Status> SqliteDocumentStore::Insert(ConfigRecord record) {
  auto stmt = sqlite::Prepare(db_.get(),
                              std::string("INSERT INTO config_version (") + kRecordColumns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              path_);
  if (!stmt) co_return std::unexpected(stmt.error());
  Bind(stmt->get(), 1, record.agent_id);
  Bind(stmt->get(), 2, record.version);
  Bind(stmt->get(), 3, record.tenant_id);
  Bind(stmt->get(), 4, record.json_text);
  sqlite3_bind_int(stmt->get(), 5, record.enabled ? 1 : 0);
  sqlite3_bind_int(stmt->get(), 6, record.deprecated ? 1 : 0);
  sqlite3_bind_int64(stmt->get(), 7, record.created_at_us);
  Bind(stmt->get(), 8, record.created_by);
  const int rc = sqlite3_step(stmt->get());
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    co_return AlreadyExists("agent " + record.agent_id + " version " + record.version +
                            " exists; versions are immutable: create a new version");
  }
  if (rc != SQLITE_DONE) co_return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "insert"));
  co_return AppendChange(record.agent_id, record.version, "created", record.created_at_us);
}

Task<Status> SqliteDocumentStore::SetFlags(std::string agent_id, std::string version,
                                           bool enabled, bool deprecated, Micros at_us) {
  auto stmt = sqlite::Prepare(db_.get(),
                              "UPDATE config_version SET enabled = ?1, deprecated = ?2 "
                              "WHERE agent_id = ?3 AND version = ?4",
                              path_);
  if (!stmt) co_return std::unexpected(stmt.error());
  sqlite3_bind_int(stmt->get(), 1, enabled ? 1 : 0);
  sqlite3_bind_int(stmt->get(), 2, deprecated ? 1 : 0);
  Bind(stmt->get(), 3, agent_id);
  Bind(stmt->get(), 4, version);
  const int rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_DONE) co_return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "update"));
  if (sqlite3_changes(db_.get()) == 0) {
    co_return NotFound("no version " + version + " of agent " + agent_id);
  }
  co_return AppendChange(agent_id, version, deprecated ? "deprecated" : "updated", at_us);
}

Task<Result<std::vector<ConfigChange>>> SqliteDocumentStore::ChangesSince(std::uint64_t after) {
  auto stmt = sqlite::Prepare(db_.get(),
                              "SELECT sequence, at_us, agent_id, version, kind FROM config_change "
                              "WHERE sequence > ?1 ORDER BY sequence",
                              path_);
  if (!stmt) co_return std::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, static_cast<std::int64_t>(after));
  std::vector<ConfigChange> out;
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    out.push_back(ConfigChange{static_cast<std::uint64_t>(sqlite3_column_int64(stmt->get(), 0)),
                               sqlite3_column_int64(stmt->get(), 1), Text(stmt->get(), 2),
                               Text(stmt->get(), 3), Text(stmt->get(), 4)});
  }
  if (rc != SQLITE_DONE) co_return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "read"));
  co_return out;
}

Task<Status> SqliteDocumentStore::AppendAudit(AuditEntry e) {
  auto last = sqlite::ReadIntPragma(db_.get(), "SELECT coalesce(max(sequence), 0) FROM audit_log",
                                    path_);
  if (!last) co_return std::unexpected(last.error());
  if (e.sequence != static_cast<std::uint64_t>(*last) + 1) {
    co_return FailedPrecondition("audit entry " + std::to_string(e.sequence) +
                                 " does not follow entry " + std::to_string(*last));
  }
  auto stmt = sqlite::Prepare(
      db_.get(),
      "INSERT INTO audit_log (sequence, at_us, user_id, role, tenant_id, action, agent_id, "
      "version, outcome, detail, patch_json, prev_hash, hash) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
      path_);
  if (!stmt) co_return std::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, static_cast<std::int64_t>(e.sequence));
  sqlite3_bind_int64(stmt->get(), 2, e.at_us);
  const std::string* texts[] = {&e.user_id, &e.role,       &e.tenant_id,  &e.action,
                                &e.agent_id, &e.version,   &e.outcome,    &e.detail,
                                &e.patch_json, &e.prev_hash, &e.hash};
  for (int i = 0; i < 11; ++i) Bind(stmt->get(), i + 3, *texts[i]);
  const int rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_DONE) co_return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "audit"));
  co_return Status{};
}

Result<std::vector<AuditEntry>> SqliteDocumentStore::Audit() {
  auto stmt = sqlite::Prepare(db_.get(),
                              "SELECT sequence, at_us, user_id, role, tenant_id, action, agent_id, "
                              "version, outcome, detail, patch_json, prev_hash, hash FROM "
                              "audit_log ORDER BY rowid",
                              path_);
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<AuditEntry> out;
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    sqlite3_stmt* s = stmt->get();
    AuditEntry e;
    e.sequence = static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
    e.at_us = sqlite3_column_int64(s, 1);
    std::string* texts[] = {&e.user_id, &e.role,       &e.tenant_id,  &e.action,
                            &e.agent_id, &e.version,   &e.outcome,    &e.detail,
                            &e.patch_json, &e.prev_hash, &e.hash};
    for (int i = 0; i < 11; ++i) *texts[i] = Text(s, i + 2);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "read audit"));
  return out;
}

Task<Result<std::vector<AuditEntry>>> SqliteDocumentStore::ReadAudit() { co_return Audit(); }

}  // namespace agentsim
