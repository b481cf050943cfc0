// SqliteDocumentStore: versions, flags, the change stream and the audit log.
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
