#include "adapters/sqlite_document_store.h"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "core/security/audit_log.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

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
std::string TempPath(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "sqlite_store";
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-journal");
  return path.string();
}

ConfigRecord Record(std::string agent_id, std::string version, Micros created_at_us = 100) {
  ConfigRecord r;
  r.agent_id = std::move(agent_id);
  r.version = std::move(version);
  r.tenant_id = "acme-hr";
  r.json_text = R"({"agent_id": ")" + r.agent_id + R"(", "version": ")" + r.version + R"("})";
  r.created_at_us = created_at_us;
  r.created_by = "ana";
  return r;
}

AuditEntry Entry(std::uint64_t sequence, std::string detail = "") {
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

std::unique_ptr<SqliteDocumentStore> OpenOrDie(const std::string& path) {
  auto store = SqliteDocumentStore::Open(path);
  EXPECT_TRUE(store) << store.error().ToString();
  return store ? std::move(*store) : nullptr;
}

std::vector<std::string> VersionsOf(const std::vector<ConfigRecord>& records) {
  std::vector<std::string> out;
  for (const ConfigRecord& r : records) out.push_back(r.version);
  return out;
}

// "<sequence> <at_us> <agent_id> <version> <kind>"
std::vector<std::string> ChangeLines(const std::vector<ConfigChange>& changes) {
  std::vector<std::string> out;
  for (const ConfigChange& c : changes) {
    out.push_back(std::to_string(c.sequence) + " " + std::to_string(c.at_us) + " " + c.agent_id +
                  " " + c.version + " " + c.kind);
  }
  return out;
}

std::string StatusText(const Status& s) { return s ? "OK" : s.error().ToString(); }

// Runs `sql` on the SQLite file at `path` directly (not through the store).
void ExecRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The first column of the first row of `sql`, as text ("" when there is no row).
std::string QueryRaw(const std::string& path, const std::string& sql) {
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

TEST(SqliteDocumentStoreTest, OpenCreatesFileAndSchema) {
  const std::string path = TempPath("create.db");
  ASSERT_FALSE(std::filesystem::exists(path));
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->path(), path);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(QueryRaw(path, "PRAGMA application_id"), "1095189331");  // "AGCS"
  EXPECT_EQ(QueryRaw(path, "PRAGMA user_version"), "1");
  EXPECT_EQ(QueryRaw(path, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                           "WHERE type = 'table' ORDER BY name)"),
            "audit_log,config_change,config_version");
  EXPECT_THAT(RunSync(store->ListAgents()).value(), IsEmpty());
  EXPECT_THAT(RunSync(store->ChangesSince(0)).value(), IsEmpty());
  EXPECT_THAT(RunSync(store->ReadAudit()).value(), IsEmpty());
}

TEST(SqliteDocumentStoreTest, ReopenKeepsVersionsChangesAndAudit) {
  const std::string path = TempPath("reopen.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    ConfigRecord r = Record("interview-strict-v1", "1.0.0", 111);
    r.enabled = false;
    ASSERT_TRUE(RunSync(store->Insert(r)));
    ASSERT_TRUE(RunSync(store->Insert(Record("interview-strict-v1", "1.1.0", 222))));
    ASSERT_TRUE(RunSync(store->SetFlags("interview-strict-v1", "1.1.0", true, true, 333)));
    ASSERT_TRUE(RunSync(store->AppendAudit(Entry(1))));
  }
  auto store = OpenOrDie(path);  // a second open of an existing store
  ASSERT_NE(store, nullptr);
  Result<ConfigRecord> first = RunSync(store->GetVersion("interview-strict-v1", "1.0.0"));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->agent_id, "interview-strict-v1");
  EXPECT_EQ(first->tenant_id, "acme-hr");
  EXPECT_EQ(first->json_text, R"({"agent_id": "interview-strict-v1", "version": "1.0.0"})");
  EXPECT_FALSE(first->enabled);
  EXPECT_FALSE(first->deprecated);
  EXPECT_EQ(first->created_at_us, 111);
  EXPECT_EQ(first->created_by, "ana");
  Result<ConfigRecord> current = RunSync(store->GetCurrent("interview-strict-v1"));
  ASSERT_TRUE(current);
  EXPECT_EQ(current->version, "1.0.0");  // 1.1.0 was deprecated before the reopen
  EXPECT_THAT(ChangeLines(RunSync(store->ChangesSince(0)).value()),
              ElementsAre("1 111 interview-strict-v1 1.0.0 created",
                          "2 222 interview-strict-v1 1.1.0 created",
                          "3 333 interview-strict-v1 1.1.0 deprecated"));
  Result<std::vector<AuditEntry>> audit = store->Audit();
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].hash, std::string(64, 'b'));
  // The next sequence continues after the reopen.
  EXPECT_EQ(StatusText(RunSync(store->AppendAudit(Entry(2)))), "OK");
}

struct ForeignFileCase {
  const char* name;
  // Writes the file at the path.
  void (*make)(const std::string& path);
  ErrorCode code;
  const char* message_after_path;  // the error message without its leading "<path>"
};

void PrintTo(const ForeignFileCase& c, std::ostream* os) { *os << c.name; }

void MakeTextFile(const std::string& path) {
  std::ofstream(path) << "agent_id,version\ninterview-strict-v1,1.0.0\n";
}
void MakeLongTextFile(const std::string& path) {
  std::ofstream out(path);
  for (int i = 0; i < 400; ++i) out << "this is not a database, line " << i << "\n";
}
void MakeOtherSqliteFile(const std::string& path) {
  ExecRaw(path, "CREATE TABLE session (id INTEGER PRIMARY KEY, name TEXT);");
}
void MakeReportLikeFile(const std::string& path) {
  ExecRaw(path, "PRAGMA application_id = 1095193421; CREATE TABLE run (seed INTEGER);");
}
void MakeForeignEmptySqliteFile(const std::string& path) {
  ExecRaw(path, "PRAGMA application_id = 1234;");
}
void MakeFutureStore(const std::string& path) {
  ExecRaw(path, "PRAGMA application_id = 1095189331; PRAGMA user_version = 2; "
                "CREATE TABLE config_version (agent_id TEXT);");
}

class SqliteDocumentStoreForeignFileTest : public ::testing::TestWithParam<ForeignFileCase> {};

TEST_P(SqliteDocumentStoreForeignFileTest, RefusesWithClearErrorAndLeavesFileAlone) {
  const std::string path = TempPath(std::string(GetParam().name) + ".db");
  GetParam().make(path);
  const std::uintmax_t size_before = std::filesystem::file_size(path);
  auto store = SqliteDocumentStore::Open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, GetParam().code);
  EXPECT_EQ(store.error().message, path + GetParam().message_after_path);
  EXPECT_EQ(std::filesystem::file_size(path), size_before);
}

INSTANTIATE_TEST_SUITE_P(
    Files, SqliteDocumentStoreForeignFileTest,
    ::testing::Values(
        ForeignFileCase{"ShortTextFile", MakeTextFile, ErrorCode::kInvalidArgument,
                        ": not an agentsim config store (not an SQLite database)"},
        ForeignFileCase{"LongTextFile", MakeLongTextFile, ErrorCode::kInvalidArgument,
                        ": not an agentsim config store (not an SQLite database)"},
        ForeignFileCase{"OtherSqliteFile", MakeOtherSqliteFile, ErrorCode::kInvalidArgument,
                        ": not an agentsim config store: PRAGMA application_id is 0, expected "
                        "1095189331"},
        ForeignFileCase{"AgentsimReport", MakeReportLikeFile, ErrorCode::kInvalidArgument,
                        ": not an agentsim config store: PRAGMA application_id is 1095193421, "
                        "expected 1095189331"},
        ForeignFileCase{"EmptyDatabaseOfAnotherApplication", MakeForeignEmptySqliteFile,
                        ErrorCode::kInvalidArgument,
                        ": not an agentsim config store: PRAGMA application_id is 1234, expected "
                        "1095189331"},
        ForeignFileCase{"NewerStoreSchema", MakeFutureStore, ErrorCode::kInvalidArgument,
                        ": unsupported config store schema version: PRAGMA user_version is 2, "
                        "expected 1"}),
    [](const ::testing::TestParamInfo<ForeignFileCase>& param_info) {
      return param_info.param.name;
    });

TEST(SqliteDocumentStoreTest, EmptyFileBecomesAStore) {
  const std::string path = TempPath("empty.db");
  std::ofstream(path).close();
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(QueryRaw(path, "PRAGMA application_id"), "1095189331");
}

TEST(SqliteDocumentStoreTest, UnwritableLocationIsUnavailable) {
  const std::string path = TempPath("no_such_dir") + "/store.db";
  auto store = SqliteDocumentStore::Open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message, path + ": cannot open: unable to open database file");
}

TEST(SqliteDocumentStoreTest, InsertThenGetVersionReturnsEveryField) {
  auto store = OpenOrDie(TempPath("insert.db"));
  ASSERT_NE(store, nullptr);
  ConfigRecord r = Record("support-pro-v1", "1.2.3-rc.1+build.5", 42);
  r.tenant_id = "midsize-co";
  r.json_text = "{\"unicode\": \"caf\xC3\xA9\", \"nul\": \"a\\u0000b\"}";
  r.enabled = false;
  r.deprecated = true;
  r.created_by = "ops-bot";
  ASSERT_EQ(StatusText(RunSync(store->Insert(r))), "OK");
  Result<ConfigRecord> got = RunSync(store->GetVersion("support-pro-v1", "1.2.3-rc.1+build.5"));
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->agent_id, r.agent_id);
  EXPECT_EQ(got->version, r.version);
  EXPECT_EQ(got->tenant_id, "midsize-co");
  EXPECT_EQ(got->json_text, r.json_text);
  EXPECT_FALSE(got->enabled);
  EXPECT_TRUE(got->deprecated);
  EXPECT_EQ(got->created_at_us, 42);
  EXPECT_EQ(got->created_by, "ops-bot");

  Result<ConfigRecord> missing = RunSync(store->GetVersion("support-pro-v1", "1.2.3"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().ToString(), "NOT_FOUND: no version 1.2.3 of agent support-pro-v1");
  Result<ConfigRecord> unknown = RunSync(store->GetVersion("nobody-x-v1", "1.0.0"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().ToString(), "NOT_FOUND: no version 1.0.0 of agent nobody-x-v1");
}

struct CurrentCase {
  const char* name;
  std::vector<std::pair<const char*, bool>> versions;  // (version, deprecated), insertion order
  std::vector<std::pair<const char*, bool>> disabled;  // versions then disabled (not deprecated)
  const char* expected;                                // version, or the error
};

void PrintTo(const CurrentCase& c, std::ostream* os) { *os << c.name; }

class SqliteDocumentStoreCurrentTest : public ::testing::TestWithParam<CurrentCase> {};

TEST_P(SqliteDocumentStoreCurrentTest, CurrentIsHighestPrecedenceNotDeprecated) {
  auto store = OpenOrDie(TempPath(std::string("current_") + GetParam().name + ".db"));
  ASSERT_NE(store, nullptr);
  for (const auto& [version, deprecated] : GetParam().versions) {
    ConfigRecord r = Record("interview-strict-v1", version);
    r.deprecated = deprecated;
    ASSERT_TRUE(RunSync(store->Insert(r)));
  }
  for (const auto& [version, deprecated] : GetParam().disabled) {
    ASSERT_TRUE(RunSync(store->SetFlags("interview-strict-v1", version, false, deprecated, 1)));
  }
  Result<ConfigRecord> current = RunSync(store->GetCurrent("interview-strict-v1"));
  EXPECT_EQ(current ? current->version : current.error().ToString(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Precedence, SqliteDocumentStoreCurrentTest,
    ::testing::Values(
        CurrentCase{"NumericNotLexical",
                    {{"1.9.0", false}, {"1.10.0", false}, {"1.2.0", false}},
                    {},
                    "1.10.0"},
        CurrentCase{"PrereleaseBelowRelease", {{"2.0.0", false}, {"2.0.0-rc.1", false}}, {},
                    "2.0.0"},
        CurrentCase{"PrereleaseAboveOlderRelease",
                    {{"1.10.0", false}, {"2.0.0-rc.1", false}},
                    {},
                    "2.0.0-rc.1"},
        CurrentCase{"PrereleaseIdentifiers",
                    {{"1.0.0-alpha.1", false}, {"1.0.0-beta.11", false}, {"1.0.0-beta.2", false}},
                    {},
                    "1.0.0-beta.11"},
        CurrentCase{"SkipsDeprecated", {{"1.0.0", false}, {"1.1.0", true}}, {}, "1.0.0"},
        CurrentCase{"SkipsDeprecatedBySetFlags",
                    {{"1.9.0", false}, {"1.10.0", false}},
                    {{"1.10.0", true}},
                    "1.9.0"},
        CurrentCase{"DisabledIsStillCurrent",
                    {{"1.0.0", false}, {"1.1.0", false}},
                    {{"1.1.0", false}},
                    "1.1.0"},
        CurrentCase{"AllDeprecated",
                    {{"1.0.0", true}, {"1.1.0", true}},
                    {},
                    "NOT_FOUND: every version of agent interview-strict-v1 is deprecated"},
        CurrentCase{"Unknown", {}, {}, "NOT_FOUND: no config for agent interview-strict-v1"}),
    [](const ::testing::TestParamInfo<CurrentCase>& param_info) {
      return param_info.param.name;
    });

TEST(SqliteDocumentStoreTest, ListVersionsAscendingPrecedence) {
  auto store = OpenOrDie(TempPath("list_versions.db"));
  ASSERT_NE(store, nullptr);
  for (const char* v : {"1.10.0", "1.0.0+build.b", "1.0.0-rc.1", "1.9.0", "1.0.0-alpha", "2.0.0",
                        "1.0.0-alpha.1", "1.0.0-beta.11", "1.0.0+build.a", "1.0.0-beta.2",
                        "1.0.0-alpha.beta", "1.0.0"}) {
    ASSERT_TRUE(RunSync(store->Insert(Record("interview-strict-v1", v))));
  }
  ASSERT_TRUE(RunSync(store->Insert(Record("interview-friendly-v1", "3.0.0"))));
  Result<std::vector<ConfigRecord>> versions = RunSync(store->ListVersions("interview-strict-v1"));
  ASSERT_TRUE(versions);
  // SemVer 2.0.0 section 11's example order; equal precedence (build metadata) by text.
  EXPECT_THAT(VersionsOf(*versions),
              ElementsAre("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2",
                          "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.0+build.a", "1.0.0+build.b",
                          "1.9.0", "1.10.0", "2.0.0"));
  EXPECT_THAT(VersionsOf(store->Versions("interview-strict-v1").value()),
              ElementsAre("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2",
                          "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.0+build.a", "1.0.0+build.b",
                          "1.9.0", "1.10.0", "2.0.0"));
  // Equal precedence: the current one is the last in that order.
  EXPECT_EQ(RunSync(store->GetCurrent("interview-strict-v1"))->version, "2.0.0");

  Result<std::vector<ConfigRecord>> unknown = RunSync(store->ListVersions("nobody-x-v1"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().ToString(), "NOT_FOUND: no config for agent nobody-x-v1");
  EXPECT_THAT(store->Versions("nobody-x-v1").value(), IsEmpty());
}

TEST(SqliteDocumentStoreTest, ListAgentsSortedByByteOrderOncePerAgent) {
  auto store = OpenOrDie(TempPath("list_agents.db"));
  ASSERT_NE(store, nullptr);
  int patch = 0;  // the repeated id gets a second version
  for (const char* id : {"support-pro-v1", "a-x-v2", "Z-x-v1", "a-x-v10", "a-x-v1", "a-x-v1"}) {
    ASSERT_TRUE(RunSync(store->Insert(Record(id, "1.0." + std::to_string(patch++)))));
  }
  EXPECT_THAT(RunSync(store->ListAgents()).value(),
              ElementsAre("Z-x-v1", "a-x-v1", "a-x-v10", "a-x-v2", "support-pro-v1"));
}

TEST(SqliteDocumentStoreTest, DuplicateInsertIsAlreadyExistsAndChangesNothing) {
  auto store = OpenOrDie(TempPath("duplicate.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(RunSync(store->Insert(Record("interview-strict-v1", "1.0.0", 10))));
  ConfigRecord again = Record("interview-strict-v1", "1.0.0", 20);
  again.json_text = R"({"changed": true})";
  again.created_by = "mallory";
  Status s = RunSync(store->Insert(again));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(s.error().message,
            "agent interview-strict-v1 version 1.0.0 exists; versions are immutable: create a new "
            "version");
  Result<ConfigRecord> stored = RunSync(store->GetVersion("interview-strict-v1", "1.0.0"));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->json_text, Record("interview-strict-v1", "1.0.0").json_text);
  EXPECT_EQ(stored->created_by, "ana");
  EXPECT_EQ(stored->created_at_us, 10);
  EXPECT_THAT(ChangeLines(RunSync(store->ChangesSince(0)).value()),
              ElementsAre("1 10 interview-strict-v1 1.0.0 created"));
  // The same version text under another agent id is another key.
  EXPECT_EQ(StatusText(RunSync(store->Insert(Record("interview-strict-v2", "1.0.0", 30)))), "OK");
}

struct FlagsCase {
  const char* name;
  bool deprecated_before;
  bool enabled;
  bool deprecated;
  const char* kind;  // of the change appended
};

void PrintTo(const FlagsCase& c, std::ostream* os) { *os << c.name; }

class SqliteDocumentStoreFlagsTest : public ::testing::TestWithParam<FlagsCase> {};

TEST_P(SqliteDocumentStoreFlagsTest, SetFlagsChangesOnlyFlagsAndAppendsChange) {
  const FlagsCase& c = GetParam();
  auto store = OpenOrDie(TempPath(std::string("flags_") + c.name + ".db"));
  ASSERT_NE(store, nullptr);
  ConfigRecord r = Record("interview-strict-v1", "1.0.0", 10);
  r.deprecated = c.deprecated_before;
  ASSERT_TRUE(RunSync(store->Insert(r)));
  ASSERT_TRUE(RunSync(store->Insert(Record("interview-strict-v1", "1.1.0", 11))));
  ASSERT_EQ(StatusText(RunSync(
                store->SetFlags("interview-strict-v1", "1.0.0", c.enabled, c.deprecated, 500))),
            "OK");
  Result<ConfigRecord> got = RunSync(store->GetVersion("interview-strict-v1", "1.0.0"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->enabled, c.enabled);
  EXPECT_EQ(got->deprecated, c.deprecated);
  EXPECT_EQ(got->json_text, r.json_text);
  EXPECT_EQ(got->tenant_id, r.tenant_id);
  EXPECT_EQ(got->created_at_us, 10);
  EXPECT_EQ(got->created_by, "ana");
  // The other version is untouched.
  Result<ConfigRecord> other = RunSync(store->GetVersion("interview-strict-v1", "1.1.0"));
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->enabled);
  EXPECT_FALSE(other->deprecated);
  EXPECT_THAT(ChangeLines(RunSync(store->ChangesSince(2)).value()),
              ElementsAre(std::string("3 500 interview-strict-v1 1.0.0 ") + c.kind));
}

INSTANTIATE_TEST_SUITE_P(
    Transitions, SqliteDocumentStoreFlagsTest,
    ::testing::Values(FlagsCase{"Disable", false, false, false, "updated"},
                      FlagsCase{"Deprecate", false, true, true, "deprecated"},
                      FlagsCase{"DisableAndDeprecate", false, false, true, "deprecated"},
                      FlagsCase{"EnableADeprecatedVersion", true, true, true, "updated"},
                      FlagsCase{"Undeprecate", true, true, false, "updated"},
                      FlagsCase{"NoChange", false, true, false, "updated"}),
    [](const ::testing::TestParamInfo<FlagsCase>& param_info) {
      return param_info.param.name;
    });

TEST(SqliteDocumentStoreTest, SetFlagsOnUnknownVersionIsNotFoundAndAppendsNothing) {
  auto store = OpenOrDie(TempPath("flags_unknown.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(RunSync(store->Insert(Record("interview-strict-v1", "1.0.0", 10))));
  EXPECT_EQ(StatusText(RunSync(store->SetFlags("interview-strict-v1", "9.9.9", false, false, 20))),
            "NOT_FOUND: no version 9.9.9 of agent interview-strict-v1");
  EXPECT_EQ(StatusText(RunSync(store->SetFlags("nobody-x-v1", "1.0.0", false, true, 20))),
            "NOT_FOUND: no version 1.0.0 of agent nobody-x-v1");
  EXPECT_EQ(RunSync(store->ChangesSince(0)).value().size(), 1u);
}

TEST(SqliteDocumentStoreTest, ChangesSinceReturnsLaterChangesAscending) {
  auto store = OpenOrDie(TempPath("changes.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(RunSync(store->Insert(Record("a-x-v1", "1.0.0", 10))));
  ASSERT_TRUE(RunSync(store->Insert(Record("b-x-v1", "1.0.0", 20))));
  ASSERT_TRUE(RunSync(store->SetFlags("a-x-v1", "1.0.0", false, false, 30)));
  ASSERT_TRUE(RunSync(store->Insert(Record("a-x-v1", "1.1.0", 40))));
  ASSERT_TRUE(RunSync(store->SetFlags("a-x-v1", "1.1.0", true, true, 50)));
  EXPECT_THAT(ChangeLines(RunSync(store->ChangesSince(0)).value()),
              ElementsAre("1 10 a-x-v1 1.0.0 created", "2 20 b-x-v1 1.0.0 created",
                          "3 30 a-x-v1 1.0.0 updated", "4 40 a-x-v1 1.1.0 created",
                          "5 50 a-x-v1 1.1.0 deprecated"));
  EXPECT_THAT(ChangeLines(RunSync(store->ChangesSince(3)).value()),
              ElementsAre("4 40 a-x-v1 1.1.0 created", "5 50 a-x-v1 1.1.0 deprecated"));
  EXPECT_THAT(RunSync(store->ChangesSince(5)).value(), IsEmpty());
  EXPECT_THAT(RunSync(store->ChangesSince(1000)).value(), IsEmpty());
}

struct AppendCase {
  const char* name;
  std::vector<std::uint64_t> appended;  // sequences appended first (all accepted)
  std::uint64_t next;
  const char* expected;
};

void PrintTo(const AppendCase& c, std::ostream* os) { *os << c.name; }

class SqliteDocumentStoreAppendTest : public ::testing::TestWithParam<AppendCase> {};

TEST_P(SqliteDocumentStoreAppendTest, AppendAuditEnforcesNextSequence) {
  auto store = OpenOrDie(TempPath(std::string("append_") + GetParam().name + ".db"));
  ASSERT_NE(store, nullptr);
  for (std::uint64_t s : GetParam().appended) ASSERT_TRUE(RunSync(store->AppendAudit(Entry(s))));
  EXPECT_EQ(StatusText(RunSync(store->AppendAudit(Entry(GetParam().next)))), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Sequences, SqliteDocumentStoreAppendTest,
    ::testing::Values(
        AppendCase{"FirstIsOne", {}, 1, "OK"},
        AppendCase{"Next", {1, 2}, 3, "OK"},
        AppendCase{"FirstIsNotZero", {}, 0,
                   "FAILED_PRECONDITION: audit entry 0 does not follow entry 0"},
        AppendCase{"FirstIsNotTwo", {}, 2,
                   "FAILED_PRECONDITION: audit entry 2 does not follow entry 0"},
        AppendCase{"Gap", {1, 2}, 4, "FAILED_PRECONDITION: audit entry 4 does not follow entry 2"},
        AppendCase{"Repeat", {1, 2}, 2,
                   "FAILED_PRECONDITION: audit entry 2 does not follow entry 2"},
        AppendCase{"Older", {1, 2}, 1,
                   "FAILED_PRECONDITION: audit entry 1 does not follow entry 2"}),
    [](const ::testing::TestParamInfo<AppendCase>& param_info) {
      return param_info.param.name;
    });

TEST(SqliteDocumentStoreTest, AuditReadsEveryFieldInSequenceOrder) {
  auto store = OpenOrDie(TempPath("audit_order.db"));
  ASSERT_NE(store, nullptr);
  for (std::uint64_t s = 1; s <= 3; ++s) {
    ASSERT_TRUE(RunSync(store->AppendAudit(Entry(s, s == 2 ? "why\nsecond line" : ""))));
  }
  ASSERT_FALSE(RunSync(store->AppendAudit(Entry(5))));  // refused: not stored
  Result<std::vector<AuditEntry>> audit = store->Audit();
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 3u);
  for (std::uint64_t i = 0; i < 3; ++i) {
    const AuditEntry expected = Entry(i + 1, i == 1 ? "why\nsecond line" : "");
    const AuditEntry& e = (*audit)[i];
    EXPECT_EQ(e.sequence, expected.sequence);
    EXPECT_EQ(e.at_us, expected.at_us);
    EXPECT_EQ(e.user_id, expected.user_id);
    EXPECT_EQ(e.role, expected.role);
    EXPECT_EQ(e.tenant_id, expected.tenant_id);
    EXPECT_EQ(e.action, expected.action);
    EXPECT_EQ(e.agent_id, expected.agent_id);
    EXPECT_EQ(e.version, expected.version);
    EXPECT_EQ(e.outcome, expected.outcome);
    EXPECT_EQ(e.detail, expected.detail);
    EXPECT_EQ(e.patch_json, expected.patch_json);
    EXPECT_EQ(e.prev_hash, expected.prev_hash);
    EXPECT_EQ(e.hash, expected.hash);
  }
  Result<std::vector<AuditEntry>> read = RunSync(store->ReadAudit());
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[2].sequence, 3u);
}

TEST(SqliteDocumentStoreTest, AuditReadOrderIsSequenceOrderWhateverTheRowOrder) {
  const std::string path = TempPath("audit_rows.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
  }
  // Rows written out of order by another writer: reads still ascend by sequence.
  ExecRaw(path,
          "INSERT INTO audit_log VALUES (2, 2000, 'u', 'admin', 't', 'a', 'x', '1.0.0', 'ok', '', "
          "'[]', 'p', 'h2');"
          "INSERT INTO audit_log VALUES (1, 1000, 'u', 'admin', 't', 'a', 'x', '1.0.0', 'ok', '', "
          "'[]', 'p', 'h1');");
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  Result<std::vector<AuditEntry>> audit = store->Audit();
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].hash, "h1");
  EXPECT_EQ((*audit)[1].hash, "h2");
  EXPECT_EQ(StatusText(RunSync(store->AppendAudit(Entry(3)))), "OK");
}

TEST(SqliteDocumentStoreTest, AuditLogChainsAndVerifiesOnTheStore) {
  const std::string path = TempPath("audit_chain.db");
  EventLoop loop;
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    AuditLog log(store.get(), &loop);
    for (int i = 0; i < 3; ++i) {
      AuditEntry e = Entry(0);
      e.sequence = 0;
      e.prev_hash.clear();
      e.hash.clear();
      ASSERT_EQ(StatusText(RunSync(log.Append(e))), "OK");
    }
  }
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  AuditLog log(store.get(), &loop);  // a new process: the tail is read from the file
  ASSERT_EQ(StatusText(RunSync(log.Append(Entry(0)))), "OK");
  Result<std::vector<AuditEntry>> audit = store->Audit();
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 4u);
  EXPECT_EQ((*audit)[0].prev_hash, kAuditGenesisHash);
  EXPECT_EQ((*audit)[3].prev_hash, (*audit)[2].hash);
  AuditLog::Verification v = AuditLog::Verify(*audit);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 4u);
}

}  // namespace
}  // namespace agentsim
