#include "mocks/in_memory_document_store.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace agentsim {
namespace {

using ::testing::ElementsAre;

constexpr LogNormalSpec kNoLatency{0.0, 0.0};
constexpr LogNormalSpec kFourMillis{4.0, 4.0};  // sigma 0: exactly 4 ms

ConfigRecord Record(std::string agent_id, std::string version, bool deprecated = false) {
  ConfigRecord r;
  r.agent_id = std::move(agent_id);
  r.version = std::move(version);
  r.tenant_id = "acme-hr";
  r.json_text = R"({"agent_id": ")" + r.agent_id + R"(", "version": ")" + r.version + R"("})";
  r.deprecated = deprecated;
  r.created_by = "admin-1";
  return r;
}

template <typename T>
Task<void> Capture(Task<T> task, std::optional<T>* out) {
  auto value = co_await std::move(task);
  out->emplace(std::move(value));
}

// Runs `task` on `loop` to completion and returns its value.
template <typename T>
T RunTask(EventLoop& loop, Task<T> task) {
  std::optional<T> out;
  loop.Spawn(Capture(std::move(task), &out), "task");
  loop.Run();
  return std::move(*out);
}

std::vector<std::string> Versions(const std::vector<ConfigRecord>& records) {
  std::vector<std::string> out;
  for (const ConfigRecord& r : records) out.push_back(r.version);
  return out;
}

struct CurrentCase {
  const char* name;
  std::vector<std::pair<const char*, bool>> versions;  // (version, deprecated), insertion order
  const char* expected;                                // version, or the error
};

class InMemoryDocumentStoreCurrentTest : public ::testing::TestWithParam<CurrentCase> {};

TEST_P(InMemoryDocumentStoreCurrentTest, CurrentIsHighestPrecedenceNotDeprecated) {
  EventLoop loop;
  InMemoryDocumentStore store(&loop, Rng(1), {kNoLatency, {}});
  for (const auto& [version, deprecated] : GetParam().versions) {
    ASSERT_TRUE(store.Seed(Record("interview-strict-v1", version, deprecated)));
  }
  Result<ConfigRecord> current = RunTask(loop, store.GetCurrent("interview-strict-v1"));
  EXPECT_EQ(current ? current->version : current.error().ToString(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Precedence, InMemoryDocumentStoreCurrentTest,
    ::testing::Values(
        CurrentCase{
            "NumericNotLexical", {{"1.9.0", false}, {"1.10.0", false}, {"1.2.0", false}}, "1.10.0"},
        CurrentCase{"PrereleaseBelowRelease", {{"2.0.0", false}, {"2.0.0-rc.1", false}}, "2.0.0"},
        CurrentCase{"PrereleaseAboveOlderRelease",
                    {{"1.10.0", false}, {"2.0.0-rc.1", false}},
                    "2.0.0-rc.1"},
        CurrentCase{"SkipsDeprecated", {{"1.0.0", false}, {"1.1.0", true}}, "1.0.0"},
        CurrentCase{"AllDeprecated",
                    {{"1.0.0", true}},
                    "NOT_FOUND: every version of agent interview-strict-v1 is deprecated"},
        CurrentCase{"Unknown", {}, "NOT_FOUND: no config for agent interview-strict-v1"}),
    [](const ::testing::TestParamInfo<CurrentCase>& param_info) { return param_info.param.name; });

TEST(InMemoryDocumentStoreTest, ListsVersionsAscendingAndAgentsByByteOrder) {
  EventLoop loop;
  InMemoryDocumentStore store(&loop, Rng(1), {kNoLatency, {}});
  for (const char* v : {"1.10.0", "1.0.0", "not-semver", "1.0.0-alpha", "1.2.0"}) {
    ASSERT_TRUE(store.Seed(Record("b-agent", v)));
  }
  ASSERT_TRUE(store.Seed(Record("B-agent", "1.0.0")));
  ASSERT_TRUE(store.Seed(Record("a-agent", "1.0.0")));
  auto versions = RunTask(loop, store.ListVersions("b-agent"));
  ASSERT_TRUE(versions);
  EXPECT_THAT(Versions(*versions),
              ElementsAre("not-semver", "1.0.0-alpha", "1.0.0", "1.2.0", "1.10.0"));
  auto agents = RunTask(loop, store.ListAgents());
  ASSERT_TRUE(agents);
  EXPECT_THAT(*agents, ElementsAre("B-agent", "a-agent", "b-agent"));
  auto unknown = RunTask(loop, store.ListVersions("nobody"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST(InMemoryDocumentStoreTest, VersionsAreImmutable) {
  EventLoop loop;
  InMemoryDocumentStore store(&loop, Rng(1), {kNoLatency, {}});
  ASSERT_TRUE(store.Seed(Record("a", "1.0.0")));
  Status again = store.Seed(Record("a", "1.0.0"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().ToString(),
            "ALREADY_EXISTS: agent a version 1.0.0 exists; versions are immutable: create a new "
            "version");
  Status inserted = RunTask(loop, store.Insert(Record("a", "1.0.0")));
  EXPECT_EQ(inserted.error().code, ErrorCode::kAlreadyExists);
  auto one = RunTask(loop, store.GetVersion("a", "1.0.0"));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->created_by, "admin-1");
  auto missing = RunTask(loop, store.GetVersion("a", "9.9.9"));
  EXPECT_EQ(missing.error().ToString(), "NOT_FOUND: no version 9.9.9 of agent a");
}

Task<void> WriteScript(InMemoryDocumentStore* store, std::vector<std::string>* log) {
  ConfigRecord r = Record("a", "1.1.0");
  r.created_at_us = 70;
  auto inserted = co_await store->Insert(r);
  auto disabled = co_await store->SetFlags("a", "1.1.0", false, false, 80);
  auto deprecated = co_await store->SetFlags("a", "1.1.0", false, true, 90);
  auto again = co_await store->SetFlags("a", "1.1.0", true, true, 95);
  auto unknown = co_await store->SetFlags("a", "7.0.0", true, false, 99);
  for (const Status* s : {&inserted, &disabled, &deprecated, &again, &unknown}) {
    log->push_back(*s ? "ok" : s->error().ToString());
  }
}

TEST(InMemoryDocumentStoreTest, WritesAppendToTheChangeStream) {
  EventLoop loop;
  InMemoryDocumentStore store(&loop, Rng(1), {kNoLatency, {}});
  ASSERT_TRUE(store.Seed(Record("a", "1.0.0")));  // initial content: no change entry
  std::vector<std::string> log;
  loop.Spawn(WriteScript(&store, &log), "writes");
  loop.Run();
  EXPECT_THAT(log, ElementsAre("ok", "ok", "ok", "ok", "NOT_FOUND: no version 7.0.0 of agent a"));
  auto changes = RunTask(loop, store.ChangesSince(0));
  ASSERT_TRUE(changes);
  std::vector<std::string> lines;
  for (const ConfigChange& c : *changes) {
    lines.push_back(std::to_string(c.sequence) + " " + std::to_string(c.at_us) + " " + c.agent_id +
                    "@" + c.version + " " + c.kind);
  }
  EXPECT_THAT(lines, ElementsAre("1 70 a@1.1.0 created", "2 80 a@1.1.0 updated",
                                 "3 90 a@1.1.0 deprecated", "4 95 a@1.1.0 updated"));
  auto later = RunTask(loop, store.ChangesSince(3));
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ(later->front().sequence, 4u);
  EXPECT_TRUE(RunTask(loop, store.ChangesSince(4))->empty());
  // Flags changed; the document did not; 1.1.0 is deprecated so 1.0.0 is current again.
  auto flagged = RunTask(loop, store.GetVersion("a", "1.1.0"));
  EXPECT_TRUE(flagged->enabled);
  EXPECT_TRUE(flagged->deprecated);
  EXPECT_EQ(flagged->json_text, Record("a", "1.1.0").json_text);
  EXPECT_EQ(RunTask(loop, store.GetCurrent("a"))->version, "1.0.0");
}

TEST(InMemoryDocumentStoreTest, AuditEntriesMustFollowInSequence) {
  EventLoop loop;
  InMemoryDocumentStore store(&loop, Rng(1), {kNoLatency, {}});
  AuditEntry first;
  first.sequence = 1;
  first.action = "create_agent_config";
  EXPECT_TRUE(RunTask(loop, store.AppendAudit(first)));
  AuditEntry skipped;
  skipped.sequence = 3;
  Status refused = RunTask(loop, store.AppendAudit(skipped));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().ToString(),
            "FAILED_PRECONDITION: audit entry 3 does not follow entry 1");
  auto entries = RunTask(loop, store.ReadAudit());
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().action, "create_agent_config");
}

// Logs "<completion time>: <version|error code>" for a GetCurrent issued at `at`.
Task<void> GetCurrentAt(EventLoop* loop, InMemoryDocumentStore* store, Micros at,
                        std::vector<std::string>* log) {
  co_await loop->SleepUntil(at);
  auto current = co_await store->GetCurrent("a");
  log->push_back(std::to_string(loop->NowMicros()) + ": " +
                 (current ? current->version : std::string(ErrorCodeName(current.error().code))));
}

Task<void> InsertAt(EventLoop* loop, InMemoryDocumentStore* store, Micros at, ConfigRecord r,
                    std::vector<std::string>* log) {
  co_await loop->SleepUntil(at);
  auto inserted = co_await store->Insert(r);
  log->push_back(std::to_string(loop->NowMicros()) + ": insert " +
                 (inserted ? "ok" : std::string(ErrorCodeName(inserted.error().code))));
}

TEST(InMemoryDocumentStoreTest, CallsTakeTheirLatencyAndApplyOnCompletion) {
  EventLoop loop;
  InMemoryDocumentStore store(&loop, Rng(1), {kFourMillis, {}});
  ASSERT_TRUE(store.Seed(Record("a", "1.0.0")));
  std::vector<std::string> log;
  loop.Spawn(InsertAt(&loop, &store, 0, Record("a", "2.0.0"), &log), "insert");
  loop.Spawn(GetCurrentAt(&loop, &store, 3999, &log), "before");  // completes at 7999
  loop.Spawn(GetCurrentAt(&loop, &store, 0, &log), "racing");     // completes at 4000, after
  loop.Run();
  EXPECT_THAT(log, ElementsAre("4000: insert ok", "4000: 2.0.0", "7999: 2.0.0"));
  EXPECT_EQ(store.stats().reads, 2u);
  EXPECT_EQ(store.stats().writes, 1u);
}

TEST(InMemoryDocumentStoreTest, RefusesCallsIssuedDuringAnOutage) {
  EventLoop loop;
  InMemoryDocumentStore store(&loop, Rng(1), {kFourMillis, {{1000, 2000}}});
  ASSERT_TRUE(store.Seed(Record("a", "1.0.0")));
  std::vector<std::string> log;
  for (Micros at : {999, 1000, 1999, 2000}) {
    loop.Spawn(GetCurrentAt(&loop, &store, at, &log), "get");
  }
  loop.Spawn(InsertAt(&loop, &store, 1500, Record("a", "3.0.0"), &log), "insert");
  loop.Run();
  EXPECT_THAT(log, ElementsAre("4999: 1.0.0", "5000: UNAVAILABLE", "5500: insert UNAVAILABLE",
                               "5999: UNAVAILABLE", "6000: 1.0.0"));
  EXPECT_EQ(store.stats().errors, 3u);
}

}  // namespace
}  // namespace agentsim
