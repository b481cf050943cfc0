// Helpers shared by the SqliteDocumentStore tests: run a store task to completion, temp paths,
// records and audit entries, and raw SQLite access to the file behind the store's back.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/sqlite_document_store.h"
#include "core/async/event_loop.h"
#include "core/security/audit_log.h"

namespace agentsim::sqlite_store_test {

// The store's tasks complete synchronously; they still run on a loop, as in the CLI.
template <typename T>
Task<void> Capture(Task<T> task, std::optional<T>* out) {
  auto value = co_await std::move(task);
  out->emplace(std::move(value));
}

template <typename T>
T RunSync(Task<T> task) {
  EventLoop loop;
  std::optional<T> out;
  loop.Spawn(Capture(std::move(task), &out), "sqlite");
  loop.Run();
  return std::move(*out);
}

// A fresh path under the test temp dir (the file itself is removed).
inline std::string TempPath(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "sqlite_store";
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-journal");
  return path.string();
}

inline ConfigRecord Record(std::string agent_id, std::string version, Micros created_at_us = 100) {
  ConfigRecord r;
  r.agent_id = std::move(agent_id);
  r.version = std::move(version);
  r.tenant_id = "acme-hr";
  r.json_text = R"({"agent_id": ")" + r.agent_id + R"(", "version": ")" + r.version + R"("})";
  r.created_at_us = created_at_us;
  r.created_by = "ana";
  return r;
}

inline AuditEntry Entry(std::uint64_t sequence, std::string detail = "") {
  AuditEntry e;
  e.sequence = sequence;
  e.at_us = static_cast<Micros>(sequence) * 1000;
  e.user_id = "ana";
  e.role = "admin";
  e.tenant_id = "acme-hr";
  e.action = "create_agent_config";
  e.agent_id = "interview-strict-v1";
  e.version = "1.0.0";
  e.outcome = detail.empty() ? "ok" : "refused";
  e.detail = std::move(detail);
  e.patch_json = R"([{"op":"add","path":"/enabled","value":true}])";
  e.prev_hash = std::string(64, 'a');
  e.hash = std::string(64, 'b');
  return e;
}

inline std::unique_ptr<SqliteDocumentStore> OpenOrDie(const std::string& path) {
  auto store = SqliteDocumentStore::Open(path);
  EXPECT_TRUE(store) << store.error().ToString();
  return store ? std::move(*store) : nullptr;
}

inline std::vector<std::string> VersionsOf(const std::vector<ConfigRecord>& records) {
  std::vector<std::string> out;
  for (const ConfigRecord& r : records) out.push_back(r.version);
  return out;
}

// "<sequence> <at_us> <agent_id> <version> <kind>"
inline std::vector<std::string> ChangeLines(const std::vector<ConfigChange>& changes) {
  std::vector<std::string> out;
  for (const ConfigChange& c : changes) {
    out.push_back(std::to_string(c.sequence) + " " + std::to_string(c.at_us) + " " + c.agent_id +
                  " " + c.version + " " + c.kind);
  }
  return out;
}

inline std::string StatusText(const Status& s) { return s ? "OK" : s.error().ToString(); }

// Runs `sql` on the SQLite file at `path` directly (not through the store).
inline void ExecRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The first column of the first row of `sql`, as text ("" when there is no row).
inline std::string QueryRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace agentsim::sqlite_store_test
