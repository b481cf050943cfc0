// SqliteDocumentStore and its file: creating, reopening, refusing files that are not a store.
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

#include "core/security/audit_log.h"
#include "tests/adapters/sqlite_store_test_util.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using sqlite_store_test::ChangeLines;
using sqlite_store_test::Entry;
using sqlite_store_test::ExecRaw;
using sqlite_store_test::OpenOrDie;
using sqlite_store_test::QueryRaw;
using sqlite_store_test::Record;
using sqlite_store_test::RunSync;
using sqlite_store_test::StatusText;
using sqlite_store_test::TempPath;
using sqlite_store_test::VersionsOf;

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

}  // namespace
}  // namespace agentsim
