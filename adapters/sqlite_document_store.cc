#include "adapters/sqlite_document_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

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
// first, by text; equal precedence (versions differing only in build metadata) by text, as in
// InMemoryDocumentStore.
void SortByPrecedence(std::vector<ConfigRecord>& records) {
  std::vector<std::pair<Result<SemVer>, ConfigRecord>> keyed;
  keyed.reserve(records.size());
  for (ConfigRecord& r : records) {
    Result<SemVer> v = SemVer::Parse(r.version);
    keyed.emplace_back(std::move(v), std::move(r));
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    const Result<SemVer>& va = a.first;
    const Result<SemVer>& vb = b.first;
    if (va.has_value() != vb.has_value()) return !va.has_value();
    if (va.has_value()) {
      const int c = CompareSemVer(*va, *vb);
      if (c != 0) return c < 0;
    }
    return a.second.version < b.second.version;
  });
  records.clear();
  for (auto& [version, record] : keyed) records.push_back(std::move(record));
}

// Runs `body` (returning Status) in one write transaction: committed when it succeeds, rolled
// back otherwise, so that a version and its change (or an audit entry and the check of its
// sequence) are stored together or not at all.
template <typename Body>
Status InTransaction(sqlite3* db, const std::string& path, Body body) {
  if (Status begun = sqlite::Exec(db, "BEGIN IMMEDIATE", path); !begun) return begun;
  Status result = body();
  if (result) result = sqlite::Exec(db, "COMMIT", path);
  if (!result) (void)sqlite::Exec(db, "ROLLBACK", path);
  return result;
}

}  // namespace

Result<std::unique_ptr<SqliteDocumentStore>> SqliteDocumentStore::Open(const std::string& path) {
  auto db = sqlite::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return std::unexpected(std::move(db.error()));
  auto app_id = sqlite::ReadIntPragma(db->get(), "PRAGMA application_id", path);
  if (!app_id) {
    // A file that is not a database at all fails on its first read.
    if (app_id.error().message.find("not an SQLite database") != std::string::npos) {
      return InvalidArgument(path + ": not an agentsim config store (not an SQLite database)");
    }
    return std::unexpected(std::move(app_id.error()));
  }
  auto tables = sqlite::ReadIntPragma(db->get(), "SELECT count(*) FROM sqlite_master", path);
  if (!tables) return std::unexpected(std::move(tables.error()));
  // Adopted: a new or empty file, or an empty database that no other application has claimed.
  const bool adopt = *tables == 0 && (*app_id == 0 || *app_id == kStoreApplicationId);
  if (!adopt && *app_id != kStoreApplicationId) {
    return InvalidArgument(path + ": not an agentsim config store: PRAGMA application_id is " +
                           std::to_string(*app_id) + ", expected " +
                           std::to_string(kStoreApplicationId));
  }
  if (adopt) {
    const std::string setup = "PRAGMA application_id = " + std::to_string(kStoreApplicationId) +
                              "; PRAGMA user_version = " + std::to_string(kStoreSchemaVersion) +
                              ";";
    if (auto s = sqlite::Exec(db->get(), setup.c_str(), path); !s) {
      return std::unexpected(std::move(s.error()));
    }
  }
  auto schema_version = sqlite::ReadIntPragma(db->get(), "PRAGMA user_version", path);
  if (!schema_version) return std::unexpected(std::move(schema_version.error()));
  if (*schema_version != kStoreSchemaVersion) {
    return InvalidArgument(path + ": unsupported config store schema version: PRAGMA "
                                  "user_version is " +
                           std::to_string(*schema_version) + ", expected " +
                           std::to_string(kStoreSchemaVersion));
  }
  if (auto s = sqlite::Exec(db->get(), kSchema, path); !s) {
    return std::unexpected(std::move(s.error()));
  }
  return std::unique_ptr<SqliteDocumentStore>(new SqliteDocumentStore(path, std::move(*db)));
}

Result<std::vector<ConfigRecord>> SqliteDocumentStore::Versions(const std::string& agent_id) {
  auto stmt = sqlite::Prepare(db_.get(),
                              std::string("SELECT ") + kRecordColumns +
                                  " FROM config_version WHERE agent_id = ?1 ORDER BY version",
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

Status SqliteDocumentStore::InsertNow(const ConfigRecord& record) {
  auto stmt = sqlite::Prepare(db_.get(),
                              std::string("INSERT INTO config_version (") + kRecordColumns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              path_);
  if (!stmt) return std::unexpected(stmt.error());
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
    return AlreadyExists("agent " + record.agent_id + " version " + record.version +
                         " exists; versions are immutable: create a new version");
  }
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "insert"));
  return AppendChange(record.agent_id, record.version, "created", record.created_at_us);
}

Task<Status> SqliteDocumentStore::Insert(ConfigRecord record) {
  co_return InTransaction(db_.get(), path_, [&] { return InsertNow(record); });
}

Status SqliteDocumentStore::SetFlagsNow(const std::string& agent_id, const std::string& version,
                                        bool enabled, bool deprecated, Micros at_us) {
  auto select = sqlite::Prepare(
      db_.get(), "SELECT deprecated FROM config_version WHERE agent_id = ?1 AND version = ?2",
      path_);
  if (!select) return std::unexpected(select.error());
  Bind(select->get(), 1, agent_id);
  Bind(select->get(), 2, version);
  int rc = sqlite3_step(select->get());
  if (rc == SQLITE_DONE) return NotFound("no version " + version + " of agent " + agent_id);
  if (rc != SQLITE_ROW) return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "read"));
  const bool was_deprecated = sqlite3_column_int(select->get(), 0) != 0;

  auto stmt = sqlite::Prepare(db_.get(),
                              "UPDATE config_version SET enabled = ?1, deprecated = ?2 "
                              "WHERE agent_id = ?3 AND version = ?4",
                              path_);
  if (!stmt) return std::unexpected(stmt.error());
  sqlite3_bind_int(stmt->get(), 1, enabled ? 1 : 0);
  sqlite3_bind_int(stmt->get(), 2, deprecated ? 1 : 0);
  Bind(stmt->get(), 3, agent_id);
  Bind(stmt->get(), 4, version);
  rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "update"));
  // "deprecated" only when the version becomes deprecated (the port's contract).
  return AppendChange(agent_id, version, deprecated && !was_deprecated ? "deprecated" : "updated",
                      at_us);
}

Task<Status> SqliteDocumentStore::SetFlags(std::string agent_id, std::string version,
                                           bool enabled, bool deprecated, Micros at_us) {
  co_return InTransaction(db_.get(), path_, [&] {
    return SetFlagsNow(agent_id, version, enabled, deprecated, at_us);
  });
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

Status SqliteDocumentStore::AppendAuditNow(const AuditEntry& e) {
  auto last = sqlite::ReadIntPragma(db_.get(), "SELECT coalesce(max(sequence), 0) FROM audit_log",
                                    path_);
  if (!last) return std::unexpected(last.error());
  if (e.sequence != static_cast<std::uint64_t>(*last) + 1) {
    return FailedPrecondition("audit entry " + std::to_string(e.sequence) +
                              " does not follow entry " + std::to_string(*last));
  }
  auto stmt = sqlite::Prepare(
      db_.get(),
      "INSERT INTO audit_log (sequence, at_us, user_id, role, tenant_id, action, agent_id, "
      "version, outcome, detail, patch_json, prev_hash, hash) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
      path_);
  if (!stmt) return std::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, static_cast<std::int64_t>(e.sequence));
  sqlite3_bind_int64(stmt->get(), 2, e.at_us);
  const std::string* texts[] = {&e.user_id, &e.role,       &e.tenant_id,  &e.action,
                                &e.agent_id, &e.version,   &e.outcome,    &e.detail,
                                &e.patch_json, &e.prev_hash, &e.hash};
  for (int i = 0; i < 11; ++i) Bind(stmt->get(), i + 3, *texts[i]);
  const int rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "audit"));
  return {};
}

Task<Status> SqliteDocumentStore::AppendAudit(AuditEntry entry) {
  co_return InTransaction(db_.get(), path_, [&] { return AppendAuditNow(entry); });
}

Result<std::vector<AuditEntry>> SqliteDocumentStore::Audit() {
  auto stmt = sqlite::Prepare(db_.get(),
                              "SELECT sequence, at_us, user_id, role, tenant_id, action, agent_id, "
                              "version, outcome, detail, patch_json, prev_hash, hash FROM "
                              "audit_log ORDER BY sequence",
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
