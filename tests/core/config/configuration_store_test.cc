#include "core/config/configuration_store.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/mock_shared_cache.h"

namespace agentsim {

// Reaches the store's private state (declared a friend in configuration_store.h).
class ConfigurationStorePeer {
 public:
  static std::vector<std::string> LruOrder(const ConfigurationStore& s) {
    return {s.lru_.begin(), s.lru_.end()};
  }
  static std::optional<Micros> L1ExpiresAt(const ConfigurationStore& s, const std::string& id) {
    auto it = s.l1_.find(id);
    if (it == s.l1_.end()) return std::nullopt;
    return it->second->expires_at_us;
  }
  static void DropFromL1(ConfigurationStore& s, const std::string& id) { s.DropFromL1(id); }
};

namespace {

using ::testing::ElementsAre;
using ::testing::Field;

constexpr LogNormalSpec kL3Latency{2.0, 2.0};  // sigma 0: every L3 call takes exactly 2 ms
constexpr LogNormalSpec kL2Latency{1.0, 1.0};  // every L2 call takes exactly 1 ms
constexpr Micros kL3 = 2000;
constexpr Micros kL2 = 1000;

// An agent config shaped like scenarios/configs/interview-strict-v1.json, abridged.
constexpr std::string_view kAgentTemplate = R"({"agent_id": "$AGENT_ID", "version": "$VERSION",
  "enabled": true,
  "tenant_config": {"tenant_id": "$TENANT_ID", "tier": "enterprise"},
  "prompt_config": {"system_prompt": "You are a strict technical interviewer.",
                    "max_history_turns": 8},
  "schema_config": {"schema_id": "interview_v1", "fields": [
    {"field_name": "system_response", "field_type": "str", "required": true,
     "constraints": {"min_length": 1, "max_length": 600}},
    {"field_name": "internal_assessment", "field_type": "str", "required": false,
     "metadata": {"hidden": true, "category": "internal"}},
    {"field_name": "credibility_score", "field_type": "int", "constraints": {"ge": 0, "le": 100}},
    {"field_name": "sentiment", "field_type": "Literal['positive', 'neutral', 'negative']"}]},
  "llm_config": {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0.3,
                 "max_tokens": 400, "api_key_env": "OPENAI_API_KEY"},
  "tts_config": {"provider": "openai", "voice": "onyx", "speed": 1.0},
  "feature_flags": {"enable_voice_analytics": true}})";

// `text` with the first occurrence of `token` replaced by `value`.
std::string Replace(std::string text, std::string_view token, const std::string& value) {
  return text.replace(text.find(token), token.size(), value);
}

std::string AgentJson(const std::string& agent_id, const std::string& tenant_id,
                      const std::string& version = "1.0.0") {
  std::string text = Replace(std::string(kAgentTemplate), "$AGENT_ID", agent_id);
  text = Replace(std::move(text), "$VERSION", version);
  return Replace(std::move(text), "$TENANT_ID", tenant_id);
}

ConfigRecord Record(const std::string& agent_id, const std::string& tenant_id = "acme-hr",
                    const std::string& version = "1.0.0") {
  ConfigRecord r;
  r.agent_id = agent_id;
  r.version = version;
  r.tenant_id = tenant_id;
  r.json_text = AgentJson(agent_id, tenant_id, version);
  r.created_by = "admin-1";
  return r;
}

using ConfigResult = Result<std::shared_ptr<const AgentConfig>>;

// One finished read: when it was issued and completed, and what it returned.
struct Read {
  std::string agent_id;
  Micros issued_at_us = 0;
  Micros done_at_us = 0;
  ConfigResult result;
  // "<id> <issued>-><done> <version|error code>"
  std::string ToString() const {
    return agent_id + " " + std::to_string(issued_at_us) + "->" + std::to_string(done_at_us) + " " +
           (result ? (*result)->version : std::string(ErrorCodeName(result.error().code)));
  }
};

Task<void> ReadAt(EventLoop* loop, ConfigurationStore* store, Micros at, std::string agent_id,
                  std::vector<Read>* reads) {
  co_await loop->SleepUntil(at);
  const Micros issued = loop->NowMicros();
  auto result = co_await store->GetAgentConfig(agent_id);
  reads->push_back(Read{agent_id, issued, loop->NowMicros(), std::move(result)});
}

Task<void> InvalidateAt(EventLoop* loop, ConfigurationStore* store, Micros at,
                        std::string agent_id) {
  co_await loop->SleepUntil(at);
  co_await store->Invalidate(agent_id);
}

std::vector<std::string> Lines(const std::vector<Read>& reads) {
  std::vector<std::string> out;
  for (const Read& r : reads) out.push_back(r.ToString());
  return out;
}

ConfigurationStoreOptions DefaultOptions() {
  ConfigurationStoreOptions o;
  o.l1_ttl_us = 10 * kMicrosPerSecond;
  o.l2_ttl_us = 300 * kMicrosPerSecond;
  o.negative_ttl_us = 5 * kMicrosPerSecond;
  return o;
}

class ConfigurationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(l3_.Seed(Record(id)));
  }

  // A store reading through l3_ and, when `with_l2`, cache_.
  std::unique_ptr<ConfigurationStore> Make(ConfigurationStoreOptions options, bool with_l2,
                                           std::uint64_t seed = 1) {
    return std::make_unique<ConfigurationStore>(&l3_, with_l2 ? &cache_ : nullptr, &loop_,
                                                Rng(seed), options, &registry_);
  }

  void ReadAtTime(ConfigurationStore* store, Micros at, const std::string& id) {
    loop_.Spawn(ReadAt(&loop_, store, at, id, &reads_), id + "@" + std::to_string(at));
  }

  EventLoop loop_;
  InMemoryDocumentStore l3_{&loop_, Rng(7), {kL3Latency, {}}};
  MockSharedCache cache_{&loop_, Rng(8), {kL2Latency, {}}};
  SchemaRegistry registry_;
  std::vector<Read> reads_;
};

TEST_F(ConfigurationStoreTest, ServesL1HitWithinTtl) {
  auto store = Make(DefaultOptions(), false);
  ReadAtTime(store.get(), 0, "a");
  ReadAtTime(store.get(), 5 * kMicrosPerSecond, "a");
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("a 0->2000 1.0.0", "a 5000000->5000000 1.0.0"));
  EXPECT_EQ(*reads_[0].result, *reads_[1].result);  // the same object
  const CacheLevelStats& l1 = store->stats(CacheLevel::kL1);
  EXPECT_EQ(l1.hits, 1u);
  EXPECT_EQ(l1.misses, 1u);
  const CacheLevelStats& l3 = store->stats(CacheLevel::kL3);
  EXPECT_EQ(l3.loads, 1u);
  EXPECT_EQ(l3.hits, 1u);
  EXPECT_EQ(l3.load_time_us, kL3);
  EXPECT_EQ(l3_.reads(), 1u);
  EXPECT_EQ(store->pool_stats().acquisitions, 1u);
}

struct BoundaryCase {
  const char* name;
  Micros after_insert_us;  // when the second read is issued, relative to the L1 insertion
  bool hit;
};

class ConfigurationStoreTtlTest : public ConfigurationStoreTest,
                                  public ::testing::WithParamInterface<BoundaryCase> {};

TEST_P(ConfigurationStoreTtlTest, EntryExpiresExactlyAtTtl) {
  ConfigurationStoreOptions options = DefaultOptions();
  options.l1_ttl_us = kMicrosPerSecond;
  auto store = Make(options, false);
  ReadAtTime(store.get(), 0, "a");  // inserted into L1 at 2000
  ReadAtTime(store.get(), kL3 + GetParam().after_insert_us, "a");
  loop_.Run();
  ASSERT_EQ(reads_.size(), 2u);
  const CacheLevelStats& l1 = store->stats(CacheLevel::kL1);
  EXPECT_EQ(l1.hits, GetParam().hit ? 1u : 0u);
  EXPECT_EQ(l1.expirations, GetParam().hit ? 0u : 1u);
  EXPECT_EQ(l1.misses, GetParam().hit ? 1u : 2u);
  EXPECT_EQ(l3_.reads(), GetParam().hit ? 1u : 2u);
  EXPECT_EQ(reads_[1].done_at_us - reads_[1].issued_at_us, GetParam().hit ? 0 : kL3);
}

INSTANTIATE_TEST_SUITE_P(Boundary, ConfigurationStoreTtlTest,
                         ::testing::Values(BoundaryCase{"TtlMinusOne", kMicrosPerSecond - 1, true},
                                           BoundaryCase{"AtTtl", kMicrosPerSecond, false}),
                         [](const ::testing::TestParamInfo<BoundaryCase>& param_info) {
                           return param_info.param.name;
                         });

TEST_F(ConfigurationStoreTest, EvictsLeastRecentlyUsed) {
  ConfigurationStoreOptions options = DefaultOptions();
  options.l1_capacity = 2;
  auto store = Make(options, false);
  ReadAtTime(store.get(), 0, "a");
  ReadAtTime(store.get(), 10000, "b");
  ReadAtTime(store.get(), 20000, "a");  // hit: a becomes the most recent
  ReadAtTime(store.get(), 30000, "c");  // evicts b, the least recent
  ReadAtTime(store.get(), 40000, "a");  // hit
  ReadAtTime(store.get(), 50000, "b");  // miss; evicts c
  ReadAtTime(store.get(), 60000, "c");  // miss; evicts a
  loop_.Run();
  EXPECT_THAT(Lines(reads_),
              ElementsAre("a 0->2000 1.0.0", "b 10000->12000 1.0.0", "a 20000->20000 1.0.0",
                          "c 30000->32000 1.0.0", "a 40000->40000 1.0.0", "b 50000->52000 1.0.0",
                          "c 60000->62000 1.0.0"));
  EXPECT_THAT(ConfigurationStorePeer::LruOrder(*store), ElementsAre("c", "b"));
  EXPECT_EQ(store->stats(CacheLevel::kL1).evictions, 3u);
  EXPECT_EQ(store->stats(CacheLevel::kL1).hits, 2u);
  EXPECT_EQ(store->stats(CacheLevel::kL1).misses, 5u);
}

TEST_F(ConfigurationStoreTest, CoalescesConcurrentMissesIntoOneLoad) {
  auto store = Make(DefaultOptions(), false);
  for (int i = 0; i < 100; ++i) ReadAtTime(store.get(), 0, "a");
  loop_.Run();
  ASSERT_EQ(reads_.size(), 100u);
  for (const Read& r : reads_) {
    EXPECT_EQ(r.done_at_us, kL3);
    EXPECT_EQ(*r.result, *reads_[0].result);
  }
  const CacheLevelStats& l1 = store->stats(CacheLevel::kL1);
  EXPECT_EQ(l1.misses, 100u);
  EXPECT_EQ(l1.coalesced_waits, 99u);
  EXPECT_EQ(store->stats(CacheLevel::kL3).loads, 1u);
  EXPECT_EQ(l3_.reads(), 1u);
  EXPECT_EQ(store->pool_stats().acquisitions, 1u);
}

TEST_F(ConfigurationStoreTest, CoalescedWaitersShareAnError) {
  auto store = Make(DefaultOptions(), false);
  for (int i = 0; i < 3; ++i) ReadAtTime(store.get(), 0, "ghost");
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("ghost 0->2000 NOT_FOUND", "ghost 0->2000 NOT_FOUND",
                                         "ghost 0->2000 NOT_FOUND"));
  EXPECT_EQ(l3_.reads(), 1u);
}

TEST_F(ConfigurationStoreTest, CachesUnknownIdsForNegativeTtl) {
  auto store = Make(DefaultOptions(), false);  // negative TTL 5 s; entry made at 2000
  ReadAtTime(store.get(), 0, "ghost");
  ReadAtTime(store.get(), kMicrosPerSecond, "ghost");
  ReadAtTime(store.get(), kL3 + 5 * kMicrosPerSecond - 1, "ghost");
  ReadAtTime(store.get(), kL3 + 5 * kMicrosPerSecond, "ghost");  // expired: loads again
  loop_.Run();
  EXPECT_THAT(Lines(reads_),
              ElementsAre("ghost 0->2000 NOT_FOUND", "ghost 1000000->1000000 NOT_FOUND",
                          "ghost 5001999->5001999 NOT_FOUND", "ghost 5002000->5004000 NOT_FOUND"));
  EXPECT_EQ(reads_[1].result.error().message, "no config for agent ghost");
  const CacheLevelStats& l1 = store->stats(CacheLevel::kL1);
  EXPECT_EQ(l1.hits, 2u);
  EXPECT_EQ(l1.negative_hits, 2u);
  EXPECT_EQ(l1.misses, 2u);
  EXPECT_EQ(l1.expirations, 1u);
  const CacheLevelStats& l3 = store->stats(CacheLevel::kL3);
  EXPECT_EQ(l3.loads, 2u);
  EXPECT_EQ(l3.misses, 2u);
  EXPECT_EQ(l3.errors, 0u);  // not found is an answer, not a backend error
}

// FindLiveInL1 at `at`: "<id>@<at> none|<version>|<error code>".
Task<void> ProbeL1At(EventLoop* loop, ConfigurationStore* store, Micros at, std::string agent_id,
                     std::vector<std::string>* out) {
  co_await loop->SleepUntil(at);
  const std::optional<ConfigResult> hit = store->FindLiveInL1(agent_id);
  std::string answer = !hit    ? std::string("none")
                       : *hit ? (**hit)->version
                              : std::string(ErrorCodeName(hit->error().code));
  out->push_back(agent_id + "@" + std::to_string(at) + " " + answer);
}

TEST_F(ConfigurationStoreTest, FindLiveInL1AnswersLiveEntriesAndCountsOnlyHits) {
  auto store = Make(DefaultOptions(), false);  // L1 TTL 10 s, negative TTL 5 s
  std::vector<std::string> probes;
  const auto probe = [&](Micros at, const std::string& id) {
    loop_.Spawn(ProbeL1At(&loop_, store.get(), at, id, &probes), "probe-" + id);
  };
  probe(0, "a");                     // nothing cached yet
  ReadAtTime(store.get(), 1, "a");   // cached at 2001 until 10,002,001
  ReadAtTime(store.get(), 1, "ghost");  // negative at 2001 until 5,002,001
  probe(5 * kMicrosPerSecond, "a");
  probe(5 * kMicrosPerSecond, "ghost");
  probe(kL3 + 1 + 10 * kMicrosPerSecond - 1, "a");  // the entry's last live microsecond
  probe(kL3 + 1 + 10 * kMicrosPerSecond, "a");      // expired: left for GetAgentConfig
  loop_.Run();
  EXPECT_THAT(probes, ElementsAre("a@0 none", "a@5000000 1.0.0", "ghost@5000000 NOT_FOUND",
                                  "a@10002000 1.0.0", "a@10002001 none"));
  const CacheLevelStats& l1 = store->stats(CacheLevel::kL1);
  EXPECT_EQ(l1.hits, 3u);
  EXPECT_EQ(l1.negative_hits, 1u);
  EXPECT_EQ(l1.misses, 2u);       // the two reads only
  EXPECT_EQ(l1.expirations, 0u);  // an expired entry is GetAgentConfig's to count and drop
}

TEST_F(ConfigurationStoreTest, InvalidateSendsTheNextReadToL3) {
  auto store = Make(DefaultOptions(), true);
  ReadAtTime(store.get(), 0, "a");  // L2 miss (1 ms), L3 (2 ms), L2 set (1 ms)
  loop_.Spawn(InvalidateAt(&loop_, store.get(), 10000, "a"), "invalidate");
  ReadAtTime(store.get(), 20000, "a");
  loop_.RunUntil(10000);
  EXPECT_EQ(cache_.Peek("config:a"), AgentJson("a", "acme-hr"));
  loop_.RunUntil(11000);
  EXPECT_EQ(cache_.Peek("config:a"), std::nullopt);
  EXPECT_EQ(ConfigurationStorePeer::L1ExpiresAt(*store, "a"), std::nullopt);
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("a 0->4000 1.0.0", "a 20000->24000 1.0.0"));
  EXPECT_EQ(store->stats(CacheLevel::kL2).misses, 2u);
  EXPECT_EQ(store->stats(CacheLevel::kL3).loads, 2u);
  EXPECT_EQ(l3_.reads(), 2u);
}

TEST_F(ConfigurationStoreTest, InvalidateWithoutL2SendsTheNextReadToL3) {
  auto store = Make(DefaultOptions(), false);
  ReadAtTime(store.get(), 0, "a");
  loop_.Spawn(InvalidateAt(&loop_, store.get(), 10000, "a"), "invalidate");
  ReadAtTime(store.get(), 20000, "a");
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("a 0->2000 1.0.0", "a 20000->22000 1.0.0"));
  EXPECT_EQ(l3_.reads(), 2u);
}

TEST_F(ConfigurationStoreTest, L1ExpiryWithLiveL2GoesToL2) {
  ConfigurationStoreOptions options = DefaultOptions();
  options.l1_ttl_us = 100 * kMicrosPerMilli;
  auto store = Make(options, true);
  ReadAtTime(store.get(), 0, "a");
  ReadAtTime(store.get(), kMicrosPerSecond, "a");
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("a 0->4000 1.0.0", "a 1000000->1001000 1.0.0"));
  EXPECT_EQ(store->stats(CacheLevel::kL2).hits, 1u);
  EXPECT_EQ(l3_.reads(), 1u);
}

// An L1 expiry reloads the same L2 document: while its config lives (here, in the reads), the
// reload gives that config without parsing again; once nothing holds it, the store does not keep
// it alive either; a changed document is parsed afresh.
TEST_F(ConfigurationStoreTest, SameL2DocumentGivesTheSameConfigWhileItLives) {
  ConfigurationStoreOptions options = DefaultOptions();
  options.l1_ttl_us = 100 * kMicrosPerMilli;
  auto store = Make(options, true);
  ReadAtTime(store.get(), 0, "a");                    // L3, written back to L2
  ReadAtTime(store.get(), kMicrosPerSecond, "a");      // L2: parsed
  ReadAtTime(store.get(), 2 * kMicrosPerSecond, "a");  // L2: the same document
  loop_.RunUntil(3 * kMicrosPerSecond);
  ASSERT_EQ(reads_.size(), 3u);
  EXPECT_EQ(store->stats(CacheLevel::kL2).hits, 2u);
  EXPECT_NE(reads_[0].result->get(), reads_[1].result->get());  // the L3 parse
  EXPECT_EQ(reads_[1].result->get(), reads_[2].result->get());
  EXPECT_EQ(store->parses_reused(), 1u);

  const std::weak_ptr<const AgentConfig> parsed = *reads_[2].result;
  reads_.clear();
  ReadAtTime(store.get(), 4 * kMicrosPerSecond, "a");  // L1 expired: its entry goes
  loop_.RunUntil(5 * kMicrosPerSecond);
  EXPECT_TRUE(parsed.expired());
  ASSERT_EQ(reads_.size(), 1u);
  EXPECT_EQ(reads_[0].ToString(), "a 4000000->4001000 1.0.0");

  cache_.Seed("config:a", AgentJson("a", "acme-hr", "1.2.0"), 10 * kMicrosPerSecond);
  ReadAtTime(store.get(), 6 * kMicrosPerSecond, "a");
  loop_.Run();
  ASSERT_EQ(reads_.size(), 2u);
  EXPECT_EQ(reads_[1].ToString(), "a 6000000->6001000 1.2.0");
  EXPECT_EQ(store->stats(CacheLevel::kL2).hits, 4u);
  EXPECT_EQ(store->parses_reused(), 1u);  // the later two were parsed
  EXPECT_EQ(l3_.reads(), 1u);
}

TEST_F(ConfigurationStoreTest, L2HitFillsL1WithoutL3) {
  // Two workers share L2 and L3; the second finds what the first loaded.
  auto first = Make(DefaultOptions(), true);
  auto second = Make(DefaultOptions(), true);
  ReadAtTime(first.get(), 0, "a");
  ReadAtTime(second.get(), 10000, "a");  // L2 hit: 1 ms
  ReadAtTime(second.get(), 20000, "a");  // L1 hit
  loop_.Run();
  EXPECT_THAT(Lines(reads_),
              ElementsAre("a 0->4000 1.0.0", "a 10000->11000 1.0.0", "a 20000->20000 1.0.0"));
  EXPECT_EQ(l3_.reads(), 1u);
  EXPECT_EQ(second->stats(CacheLevel::kL2).hits, 1u);
  EXPECT_EQ(second->stats(CacheLevel::kL2).load_time_us, kL2);
  EXPECT_EQ(second->stats(CacheLevel::kL3).loads, 0u);
  EXPECT_EQ(second->stats(CacheLevel::kL1).hits, 1u);
  EXPECT_EQ(cache_.stats().sets, 1u);  // an L2 hit writes nothing back
}

TEST_F(ConfigurationStoreTest, L2OutageFallsThroughToL3AndCountsErrors) {
  MockSharedCache down(&loop_, Rng(9), {kL2Latency, {{0, kMicrosPerSecond}}});
  ConfigurationStore store(&l3_, &down, &loop_, Rng(1), DefaultOptions(), &registry_);
  ReadAtTime(&store, 0, "a");  // Get fails (1 ms), L3 (2 ms), Set fails (1 ms)
  ReadAtTime(&store, 10000, "a");
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("a 0->4000 1.0.0", "a 10000->10000 1.0.0"));
  const CacheLevelStats& l2 = store.stats(CacheLevel::kL2);
  EXPECT_EQ(l2.loads, 1u);
  EXPECT_EQ(l2.misses, 1u);
  EXPECT_EQ(l2.errors, 2u);  // the Get and the write-back
  EXPECT_EQ(store.stats(CacheLevel::kL3).hits, 1u);
}

TEST_F(ConfigurationStoreTest, CorruptL2ValueFallsThroughAndIsOverwritten) {
  cache_.Seed("config:a", "{not json", kMicrosPerSecond);
  auto store = Make(DefaultOptions(), true);
  ReadAtTime(store.get(), 0, "a");
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("a 0->4000 1.0.0"));
  EXPECT_EQ(store->stats(CacheLevel::kL2).errors, 1u);
  EXPECT_EQ(cache_.Peek("config:a"), AgentJson("a", "acme-hr"));
}

TEST_F(ConfigurationStoreTest, DeniesAnotherTenantsConfig) {
  auto store = Make(DefaultOptions(), false);
  std::vector<ConfigResult> results;
  loop_.Spawn(
      [](ConfigurationStore* s, std::vector<ConfigResult>* out) -> Task<void> {
        auto own = co_await s->GetAgentConfigForTenant("a", "acme-hr");
        out->push_back(std::move(own));
        auto other = co_await s->GetAgentConfigForTenant("a", "globex");
        out->push_back(std::move(other));
        auto unknown = co_await s->GetAgentConfigForTenant("ghost", "globex");
        out->push_back(std::move(unknown));
      }(store.get(), &results),
      "tenants");
  loop_.Run();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().ToString(),
            "PERMISSION_DENIED: tenant globex cannot access agent a");
  EXPECT_EQ(results[2].error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store->isolation_denials(), 1u);
}

// L1 expiry times of agents 0..n-1 all read at time 0 with TTL 100 s and jitter 0.2.
std::vector<Micros> JitteredExpiries(std::uint64_t seed, int n) {
  EventLoop loop;
  InMemoryDocumentStore l3(&loop, Rng(7), {kL3Latency, {}});
  for (int i = 0; i < n; ++i) (void)l3.Seed(Record("agent-" + std::to_string(i)));
  ConfigurationStoreOptions options = DefaultOptions();
  options.l1_ttl_us = 100 * kMicrosPerSecond;
  options.ttl_jitter = 0.2;
  ConfigurationStore store(&l3, nullptr, &loop, Rng(seed), options);
  std::vector<Read> reads;
  for (int i = 0; i < n; ++i) {
    loop.Spawn(ReadAt(&loop, &store, 0, "agent-" + std::to_string(i), &reads), "read");
  }
  loop.Run();
  std::vector<Micros> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(*ConfigurationStorePeer::L1ExpiresAt(store, "agent-" + std::to_string(i)));
  }
  return out;
}

TEST(ConfigurationStoreJitterTest, KeepsTtlWithinBoundsAndIsDeterministicForASeed) {
  const std::vector<Micros> expiries = JitteredExpiries(11, 40);
  for (Micros e : expiries) {
    EXPECT_GE(e, kL3 + 80 * kMicrosPerSecond);
    EXPECT_LE(e, kL3 + 120 * kMicrosPerSecond);
  }
  EXPECT_EQ(expiries, JitteredExpiries(11, 40));
  EXPECT_NE(expiries, JitteredExpiries(12, 40));
  std::vector<Micros> sorted = expiries;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());  // spread out
}

TEST(ConfigurationStoreJitterTest, NoJitterDrawsNothing) {
  EventLoop loop;
  InMemoryDocumentStore l3(&loop, Rng(7), {kL3Latency, {}});
  ASSERT_TRUE(l3.Seed(Record("a")));
  ConfigurationStore store(&l3, nullptr, &loop, Rng(1), DefaultOptions());
  std::vector<Read> reads;
  loop.Spawn(ReadAt(&loop, &store, 0, "a", &reads), "read");
  loop.Run();
  EXPECT_EQ(ConfigurationStorePeer::L1ExpiresAt(store, "a"), kL3 + 10 * kMicrosPerSecond);
}

TEST_F(ConfigurationStoreTest, CountsHitsAndMissesPerWindow) {
  ConfigurationStoreOptions options = DefaultOptions();
  options.stats_window_us = kMicrosPerSecond;
  options.l1_ttl_us = 1500 * kMicrosPerMilli;
  auto store = Make(options, false);
  ReadAtTime(store.get(), 0, "a");            // L1 miss @0; L3 hit @2000; expires @1502000
  ReadAtTime(store.get(), 500000, "a");       // L1 hit
  ReadAtTime(store.get(), 1200000, "a");      // L1 hit (window 1)
  ReadAtTime(store.get(), 1600000, "a");      // expired: L1 miss; L3 hit @1602000
  ReadAtTime(store.get(), 1700000, "ghost");  // L1 miss; L3 miss @1702000
  ReadAtTime(store.get(), 2100000, "ghost");  // negative hit (window 2)
  ReadAtTime(store.get(), 2999000, "b");      // L1 miss @2999000; L3 hit @3001000 (window 3)
  loop_.Run();
  std::vector<std::string> windows;
  for (const CacheWindowStats& w : store->WindowStats()) {
    windows.push_back(std::to_string(w.window_start_us) + " L" +
                      std::to_string(static_cast<int>(w.level)) + " " + std::to_string(w.hits) +
                      "/" + std::to_string(w.misses));
  }
  EXPECT_THAT(windows, ElementsAre("0 L1 1/1", "0 L3 1/0", "1000000 L1 1/2", "1000000 L3 1/1",
                                   "2000000 L1 1/1", "3000000 L3 1/0"));
}

TEST_F(ConfigurationStoreTest, PoolTimeoutIsAnL3ErrorAndIsNotCached) {
  InMemoryDocumentStore slow(&loop_, Rng(7), {LogNormalSpec{10.0, 10.0}, {}});
  ASSERT_TRUE(slow.Seed(Record("a")));
  ASSERT_TRUE(slow.Seed(Record("b")));
  ConfigurationStoreOptions options = DefaultOptions();
  options.pool_size = 1;
  options.pool_acquire_timeout_us = 5 * kMicrosPerMilli;
  ConfigurationStore store(&slow, nullptr, &loop_, Rng(1), options);
  ReadAtTime(&store, 0, "a");      // holds the only connection for 10 ms
  ReadAtTime(&store, 0, "b");      // gives up at 5 ms
  ReadAtTime(&store, 20000, "b");  // not cached: loads
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("b 0->5000 DEADLINE_EXCEEDED", "a 0->10000 1.0.0",
                                         "b 20000->30000 1.0.0"));
  EXPECT_EQ(reads_[0].result.error().message,
            "connection pool: no connection within 5 ms (1 in use, 1 waiting)");
  const CacheLevelStats& l3 = store.stats(CacheLevel::kL3);
  EXPECT_EQ(l3.errors, 1u);
  EXPECT_EQ(l3.loads, 3u);
  EXPECT_EQ(l3.load_time_us, 5000 + 10000 + 10000);
  EXPECT_EQ(store.pool_stats().timeouts, 1u);
}

TEST_F(ConfigurationStoreTest, L3OutageIsNotCachedNegatively) {
  InMemoryDocumentStore flaky(&loop_, Rng(7), {kL3Latency, {{0, 1000}}});
  ASSERT_TRUE(flaky.Seed(Record("a")));
  ConfigurationStore store(&flaky, nullptr, &loop_, Rng(1), DefaultOptions());
  ReadAtTime(&store, 0, "a");
  ReadAtTime(&store, 5000, "a");
  loop_.Run();
  EXPECT_THAT(Lines(reads_), ElementsAre("a 0->2000 UNAVAILABLE", "a 5000->7000 1.0.0"));
  EXPECT_EQ(store.stats(CacheLevel::kL3).errors, 1u);
  EXPECT_EQ(store.stats(CacheLevel::kL3).misses, 1u);
}

TEST_F(ConfigurationStoreTest, RecordFlagOverridesTheDocumentOnEveryPath) {
  ConfigRecord disabled = Record("d");
  disabled.enabled = false;  // operational flag changed after creation
  ASSERT_TRUE(l3_.Seed(disabled));
  auto first = Make(DefaultOptions(), true);
  auto second = Make(DefaultOptions(), true);
  ReadAtTime(first.get(), 0, "d");       // from L3
  ReadAtTime(second.get(), 10000, "d");  // from L2
  loop_.Run();
  ASSERT_EQ(reads_.size(), 2u);
  ASSERT_TRUE(reads_[0].result && reads_[1].result);
  EXPECT_FALSE((*reads_[0].result)->enabled);
  EXPECT_FALSE((*reads_[1].result)->enabled);
  EXPECT_FALSE((*reads_[1].result)->raw.at("enabled").get<bool>());
}

TEST_F(ConfigurationStoreTest, ConfigsShareTheRegistrysCompiledSchema) {
  auto store = Make(DefaultOptions(), false);
  ReadAtTime(store.get(), 0, "a");
  ReadAtTime(store.get(), 0, "b");
  loop_.Run();
  ASSERT_EQ(reads_.size(), 2u);
  EXPECT_EQ((*reads_[0].result)->schema.fields().data(),
            (*reads_[1].result)->schema.fields().data());
  EXPECT_EQ(registry_.stats().compiles, 1u);
  EXPECT_EQ(registry_.stats().hits, 1u);
}

TEST_F(ConfigurationStoreTest, DropDuringALoadAnswersWaitersButCachesNothing) {
  auto store = Make(DefaultOptions(), false);
  ReadAtTime(store.get(), 0, "a");
  ReadAtTime(store.get(), 500, "a");  // coalesced with the first
  loop_.RunUntil(1000);
  ConfigurationStorePeer::DropFromL1(*store, "a");  // e.g. a write landed meanwhile
  ReadAtTime(store.get(), 1500, "a");               // a fresh load, not the stale one
  loop_.Run();
  EXPECT_THAT(Lines(reads_),
              ElementsAre("a 0->2000 1.0.0", "a 500->2000 1.0.0", "a 1500->3500 1.0.0"));
  EXPECT_EQ(store->stats(CacheLevel::kL1).coalesced_waits, 1u);
  EXPECT_EQ(l3_.reads(), 2u);
  // Only the fresh load filled L1.
  EXPECT_EQ(ConfigurationStorePeer::L1ExpiresAt(*store, "a"), 3500 + 10 * kMicrosPerSecond);
  EXPECT_NE(*reads_[0].result, *reads_[2].result);
}

}  // namespace
}  // namespace agentsim
