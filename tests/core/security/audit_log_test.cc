#include "core/security/audit_log.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"

namespace agentsim {
namespace {

constexpr Micros kStoreLatencyUs = 10;
constexpr Micros kGapUs = 1000;

// A DocumentStore that only keeps an audit log; every config operation is an Internal error.
// Completes through the loop after kStoreLatencyUs, like the real mocks.
class FakeAuditStore final : public DocumentStore {
 public:
  explicit FakeAuditStore(EventLoop* loop) : loop_(loop) {}

  Task<Result<ConfigRecord>> GetCurrent(std::string) override {
    co_return Internal("FakeAuditStore: GetCurrent");
  }
  Task<Result<ConfigRecord>> GetVersion(std::string, std::string) override {
    co_return Internal("FakeAuditStore: GetVersion");
  }
  Task<Result<std::vector<ConfigRecord>>> ListVersions(std::string) override {
    co_return Internal("FakeAuditStore: ListVersions");
  }
  Task<Result<std::vector<std::string>>> ListAgents() override {
    co_return Internal("FakeAuditStore: ListAgents");
  }
  Task<Status> Insert(ConfigRecord) override { co_return Internal("FakeAuditStore: Insert"); }
  Task<Status> SetFlags(std::string, std::string, bool, bool, Micros) override {
    co_return Internal("FakeAuditStore: SetFlags");
  }
  Task<Result<std::vector<ConfigChange>>> ChangesSince(std::uint64_t) override {
    co_return Internal("FakeAuditStore: ChangesSince");
  }

  Task<Status> AppendAudit(AuditEntry entry) override {
    co_await loop_->Sleep(kStoreLatencyUs);
    if (entry.sequence != entries.size() + 1) {
      co_return FailedPrecondition("audit sequence " + std::to_string(entry.sequence) + " is not " +
                                   std::to_string(entries.size() + 1));
    }
    entries.push_back(std::move(entry));
    co_return Status{};
  }
  Task<Result<std::vector<AuditEntry>>> ReadAudit() override {
    ++reads;
    co_await loop_->Sleep(kStoreLatencyUs);
    co_return entries;
  }

  std::vector<AuditEntry> entries;
  int reads = 0;

 private:
  EventLoop* loop_;
};

AuditEntry Change(std::string user, std::string role, std::string action, std::string version,
                  std::string outcome, std::string detail, std::string patch_json) {
  AuditEntry e;
  e.user_id = std::move(user);
  e.role = std::move(role);
  e.tenant_id = "acme";
  e.action = std::move(action);
  e.agent_id = "support-bot";
  e.version = std::move(version);
  e.outcome = std::move(outcome);
  e.detail = std::move(detail);
  e.patch_json = std::move(patch_json);
  return e;
}

std::vector<AuditEntry> FiveChanges() {
  return {
      Change("admin-1", "admin", "create_agent_config", "1.0.0", "ok", "",
             R"([{"op":"replace","path":"","value":{"agent_id":"support-bot"}}])"),
      Change("viewer-1", "viewer", "create_agent_config", "1.1.0", "denied",
             "user viewer-1 (viewer) lacks create_agent", ""),
      Change("dev-1", "developer", "update_agent_config", "1.1.0", "ok", "",
             R"([{"op":"replace","path":"/llm_config/temperature","value":0.3}])"),
      Change("dev-1", "developer", "create_agent_config", "1.2.0", "refused",
             "tenant acme (free) is at max_agents = 3", ""),
      Change("admin-1", "admin", "deprecate_agent_config", "1.0.0", "ok", "",
             R"([{"op":"replace","path":"/deprecated","value":true}])"),
  };
}

// Appends `entries` one after the other, kGapUs of virtual time apart.
Task<void> AppendSpaced(AuditLog* log, EventLoop* loop, std::vector<AuditEntry> entries,
                        std::vector<Status>* results) {
  for (AuditEntry& e : entries) {
    auto status = co_await log->Append(std::move(e));
    results->push_back(std::move(status));
    co_await loop->Sleep(kGapUs);
  }
}

Task<void> AppendOne(AuditLog* log, AuditEntry entry, std::vector<Status>* results) {
  auto status = co_await log->Append(std::move(entry));
  results->push_back(std::move(status));
}

// The log of FiveChanges() as stored, appended at t = 10, 1020, 2030, 3040, 4050.
std::vector<AuditEntry> FiveEntryLog() {
  EventLoop loop;
  FakeAuditStore store(&loop);
  AuditLog log(&store, &loop);
  std::vector<Status> results;
  loop.Spawn(AppendSpaced(&log, &loop, FiveChanges(), &results), "append");
  loop.Run();
  return store.entries;
}

TEST(AuditLogTest, AppendChainsSequenceTimeAndHashes) {
  EventLoop loop;
  FakeAuditStore store(&loop);
  AuditLog log(&store, &loop);
  std::vector<Status> results;
  loop.Spawn(AppendSpaced(&log, &loop, FiveChanges(), &results), "append");
  loop.Run();

  ASSERT_EQ(results.size(), 5u);
  for (const Status& s : results) EXPECT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(store.reads, 1);  // the tail is read once, before the first append
  ASSERT_EQ(store.entries.size(), 5u);
  const std::vector<Micros> at_us = {10, 1020, 2030, 3040, 4050};
  for (std::size_t i = 0; i < 5; ++i) {
    const AuditEntry& e = store.entries[i];
    EXPECT_EQ(e.sequence, i + 1);
    EXPECT_EQ(e.at_us, at_us[i]);
    EXPECT_EQ(e.prev_hash, i == 0 ? std::string(kAuditGenesisHash) : store.entries[i - 1].hash);
    EXPECT_EQ(e.hash, AuditLog::HashOf(e));
    EXPECT_EQ(e.hash.size(), 64u);
    EXPECT_EQ(e.user_id, FiveChanges()[i].user_id);
  }
  // Computed independently: python3 hashlib.sha256 over the netstrings of the documented form.
  // Canonical bytes: "17:agentsim.audit.v1,1:1,2:10,7:admin-1,5:admin,4:acme,...,64:000...0,".
  EXPECT_EQ(store.entries[0].hash,
            "5b8c7d0ee249899c05fae40f3af1c8cca578b71b0d66e4487d05202e094df580");
}

TEST(AuditLogTest, HashCoversEveryFieldButHash) {
  AuditEntry base = FiveEntryLog()[2];
  const std::string h = AuditLog::HashOf(base);
  std::vector<std::function<void(AuditEntry&)>> edits = {
      [](AuditEntry& e) { ++e.sequence; },        [](AuditEntry& e) { ++e.at_us; },
      [](AuditEntry& e) { e.user_id += "x"; },    [](AuditEntry& e) { e.role += "x"; },
      [](AuditEntry& e) { e.tenant_id += "x"; },  [](AuditEntry& e) { e.action += "x"; },
      [](AuditEntry& e) { e.agent_id += "x"; },   [](AuditEntry& e) { e.version += "x"; },
      [](AuditEntry& e) { e.outcome += "x"; },    [](AuditEntry& e) { e.detail += "x"; },
      [](AuditEntry& e) { e.patch_json += "x"; }, [](AuditEntry& e) { e.prev_hash[0] ^= 1; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    AuditEntry e = base;
    edits[i](e);
    EXPECT_NE(AuditLog::HashOf(e), h) << "edit " << i;
  }
  AuditEntry rehashed = base;
  rehashed.hash = "anything";
  EXPECT_EQ(AuditLog::HashOf(rehashed), h);
}

TEST(AuditLogTest, HashIsUnambiguousAcrossFieldBoundaries) {
  AuditEntry a;
  a.user_id = "ab";
  a.role = "c";
  AuditEntry b;
  b.user_id = "a";
  b.role = "bc";
  EXPECT_NE(AuditLog::HashOf(a), AuditLog::HashOf(b));
}

TEST(AuditLogTest, UntamperedAndEmptyLogsVerify) {
  AuditLog::Verification v = AuditLog::Verify(FiveEntryLog());
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 5u);
  EXPECT_EQ(v.first_bad_position, 0u);
  EXPECT_EQ(v.problem, "");

  AuditLog::Verification empty = AuditLog::Verify({});
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.entries, 0u);
  EXPECT_EQ(empty.first_bad_position, 0u);
}

struct TamperCase {
  std::string name;
  std::function<void(std::vector<AuditEntry>&)> tamper;
  std::uint64_t entries;
  std::uint64_t first_bad_position;
  std::string problem;
};

// A forged entry that claims `sequence` after `prev`, with a correctly recomputed hash.
AuditEntry Forge(std::uint64_t sequence, std::string prev_hash) {
  AuditEntry f = Change("mallory", "admin", "create_agent_config", "9.9.9", "ok", "", "[]");
  f.sequence = sequence;
  f.at_us = 1500;
  f.prev_hash = std::move(prev_hash);
  f.hash = AuditLog::HashOf(f);
  return f;
}

TEST(AuditLogTest, VerifyLocatesAndNamesTheFirstTamperedEntry) {
  using Log = std::vector<AuditEntry>;
  const std::vector<TamperCase> cases = {
      {"edit detail of entry 3", [](Log& l) { l[2].detail = "nothing to see"; }, 5, 3,
       "hash mismatch: edited"},
      {"edit time of entry 3", [](Log& l) { l[2].at_us += 1; }, 5, 3, "hash mismatch: edited"},
      {"edit hash of entry 3", [](Log& l) { l[2].hash[0] ^= 1; }, 5, 3, "hash mismatch: edited"},
      {"delete entry 2", [](Log& l) { l.erase(l.begin() + 1); }, 4, 2,
       "sequence 3 after 1: removed"},
      {"delete entry 1", [](Log& l) { l.erase(l.begin()); }, 4, 1, "sequence 2 after 0: removed"},
      {"insert forged entry 3 chained to entry 2",
       [](Log& l) { l.insert(l.begin() + 2, Forge(3, l[1].hash)); }, 6, 4,
       "sequence 3 after 3: inserted"},
      {"replay entry 2 after entry 4", [](Log& l) { l.insert(l.begin() + 4, l[1]); }, 6, 5,
       "sequence 2 after 4: inserted"},
      {"append forged entry 6 with a guessed prev_hash",
       [](Log& l) { l.push_back(Forge(6, std::string(kAuditGenesisHash))); }, 6, 6,
       "prev_hash does not match: replaced or inserted"},
      {"replace entry 3 with a rehashed one",
       [](Log& l) {
         l[2].detail = "rewritten";
         l[2].hash = AuditLog::HashOf(l[2]);
       },
       5, 4, "prev_hash does not match: replaced or inserted"},
      {"swap entries 2 and 3", [](Log& l) { std::swap(l[1], l[2]); }, 5, 2,
       "sequence 3 after 1: reordered"},
      {"swap entries 4 and 5", [](Log& l) { std::swap(l[3], l[4]); }, 5, 4,
       "sequence 5 after 3: reordered"},
      {"move entry 5 first", [](Log& l) { std::rotate(l.begin(), l.begin() + 4, l.end()); }, 5, 1,
       "sequence 5 after 0: reordered"},
  };
  const std::vector<AuditEntry> good = FiveEntryLog();
  for (const TamperCase& c : cases) {
    std::vector<AuditEntry> log = good;
    c.tamper(log);
    AuditLog::Verification v = AuditLog::Verify(log);
    EXPECT_FALSE(v.ok) << c.name;
    EXPECT_EQ(v.entries, c.entries) << c.name;
    EXPECT_EQ(v.first_bad_position, c.first_bad_position) << c.name;
    EXPECT_EQ(v.problem, c.problem) << c.name;
  }
}

TEST(AuditLogTest, AppendAfterReloadContinuesTheChain) {
  EventLoop loop;
  FakeAuditStore store(&loop);
  std::vector<Status> results;
  {
    AuditLog first(&store, &loop);
    loop.Spawn(AppendSpaced(&first, &loop, FiveChanges(), &results), "first");
    loop.Run();
  }
  ASSERT_EQ(store.entries.size(), 5u);
  loop.RunUntil(10'000);

  AuditLog reloaded(&store, &loop);
  loop.Spawn(AppendOne(&reloaded, FiveChanges()[2], &results), "reloaded");
  loop.Run();

  ASSERT_EQ(results.size(), 6u);
  EXPECT_TRUE(results[5].has_value()) << results[5].error().ToString();
  EXPECT_EQ(store.reads, 2);
  ASSERT_EQ(store.entries.size(), 6u);
  EXPECT_EQ(store.entries[5].sequence, 6u);
  EXPECT_EQ(store.entries[5].at_us, 10'010);  // after reading the tail
  EXPECT_EQ(store.entries[5].prev_hash, store.entries[4].hash);
  AuditLog::Verification v = AuditLog::Verify(store.entries);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 6u);
}

TEST(AuditLogTest, ConcurrentAppendsAreChainedInCallOrder) {
  EventLoop loop;
  FakeAuditStore store(&loop);
  AuditLog log(&store, &loop);
  std::vector<Status> results;
  std::vector<AuditEntry> changes = FiveChanges();
  for (int i = 0; i < 3; ++i) {
    loop.Spawn(AppendOne(&log, changes[i], &results), "append-" + std::to_string(i));
  }
  loop.Run();
  ASSERT_EQ(results.size(), 3u);
  for (const Status& s : results) EXPECT_TRUE(s.has_value()) << s.error().ToString();
  ASSERT_EQ(store.entries.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(store.entries[i].sequence, i + 1);
    EXPECT_EQ(store.entries[i].user_id, changes[i].user_id);
    EXPECT_EQ(store.entries[i].at_us, 10);
  }
  EXPECT_TRUE(AuditLog::Verify(store.entries).ok);
}

TEST(AuditLogTest, RereadsTheTailAfterAStoreError) {
  EventLoop loop;
  FakeAuditStore store(&loop);
  AuditLog a(&store, &loop);
  AuditLog b(&store, &loop);
  std::vector<AuditEntry> changes = FiveChanges();
  std::vector<Status> results;
  loop.Spawn(AppendOne(&a, changes[0], &results), "a1");
  loop.Run();
  loop.Spawn(AppendOne(&b, changes[1], &results), "b1");  // b reads the tail: sequence 2
  loop.Run();
  loop.Spawn(AppendOne(&a, changes[2], &results), "a2");  // a still believes the tail is 1
  loop.Run();
  loop.Spawn(AppendOne(&a, changes[3], &results), "a3");  // a reads the tail again
  loop.Run();

  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].has_value());
  EXPECT_TRUE(results[1].has_value());
  ASSERT_FALSE(results[2].has_value());
  EXPECT_EQ(results[2].error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(results[2].error().message, "audit sequence 2 is not 3");
  EXPECT_TRUE(results[3].has_value()) << results[3].error().ToString();
  ASSERT_EQ(store.entries.size(), 3u);
  EXPECT_EQ(store.entries[2].sequence, 3u);
  EXPECT_EQ(store.entries[2].user_id, changes[3].user_id);
  EXPECT_EQ(store.reads, 3);
  EXPECT_TRUE(AuditLog::Verify(store.entries).ok);
}

}  // namespace
}  // namespace agentsim
