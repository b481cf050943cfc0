#include "mocks/mock_shared_cache.h"

#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace agentsim {
namespace {

using ::testing::ElementsAre;

constexpr LogNormalSpec kNoLatency{0.0, 0.0};
constexpr LogNormalSpec kOneMilli{1.0, 1.0};  // sigma 0: exactly 1 ms

// Logs "<time>: <value|miss|error code>" when a Get issued at `at` completes.
Task<void> GetAt(EventLoop* loop, MockSharedCache* cache, Micros at, std::string key,
                 std::vector<std::string>* log) {
  co_await loop->SleepUntil(at);
  auto got = co_await cache->Get(key);
  std::string what = !got               ? std::string(ErrorCodeName(got.error().code))
                     : got->has_value() ? **got
                                        : "miss";
  log->push_back(std::to_string(loop->NowMicros()) + ": " + what);
}

Task<void> SetAt(EventLoop* loop, MockSharedCache* cache, Micros at, std::string key,
                 std::string value, Micros ttl, std::vector<std::string>* log) {
  co_await loop->SleepUntil(at);
  auto set = co_await cache->Set(key, value, ttl);
  log->push_back(std::to_string(loop->NowMicros()) + ": set " +
                 (set ? "ok" : std::string(ErrorCodeName(set.error().code))));
}

struct TtlCase {
  const char* name;
  Micros get_at;
  const char* expected;
};

class MockSharedCacheTtlTest : public ::testing::TestWithParam<TtlCase> {};

TEST_P(MockSharedCacheTtlTest, ValueLivesUntilExactlyTtl) {
  EventLoop loop;
  MockSharedCache cache(&loop, Rng(1), {kNoLatency, {}});
  std::vector<std::string> log;
  loop.Spawn(SetAt(&loop, &cache, 100, "config:a", "doc", 1000, &log), "set");
  loop.Spawn(GetAt(&loop, &cache, GetParam().get_at, "config:a", &log), "get");
  loop.Run();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1], GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Boundary, MockSharedCacheTtlTest,
                         ::testing::Values(TtlCase{"AtSet", 100, "100: doc"},
                                           TtlCase{"JustBefore", 1099, "1099: doc"},
                                           TtlCase{"AtExpiry", 1100, "1100: miss"},
                                           TtlCase{"After", 5000, "5000: miss"}),
                         [](const ::testing::TestParamInfo<TtlCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(MockSharedCacheTest, AppliesOperationsWhenTheyComplete) {
  EventLoop loop;
  MockSharedCache cache(&loop, Rng(1), {kOneMilli, {}});
  std::vector<std::string> log;
  loop.Spawn(SetAt(&loop, &cache, 0, "k", "v", 10 * kMicrosPerMilli, &log), "set");
  loop.Spawn(GetAt(&loop, &cache, 500, "k", &log), "early");  // completes at 1500
  loop.Spawn(GetAt(&loop, &cache, 0, "k", &log), "racing");   // completes at 1000, after the set
  loop.Run();
  // The set was queued first at 1000, so the racing Get completing then sees it.
  EXPECT_THAT(log, ElementsAre("1000: set ok", "1000: v", "1500: v"));
}

TEST(MockSharedCacheTest, TtlCountsFromCompletion) {
  EventLoop loop;
  MockSharedCache cache(&loop, Rng(1), {kOneMilli, {}});
  std::vector<std::string> log;
  loop.Spawn(SetAt(&loop, &cache, 0, "k", "v", 10 * kMicrosPerMilli, &log), "set");
  loop.Run();
  EXPECT_EQ(cache.ExpiresAt("k"), 11000);
  EXPECT_EQ(cache.Peek("k"), "v");
  loop.RunUntil(11000);
  EXPECT_EQ(cache.Peek("k"), std::nullopt);
}

TEST(MockSharedCacheTest, RefusesCallsIssuedDuringAnOutage) {
  EventLoop loop;
  MockSharedCacheOptions options{kOneMilli, {{2000, 4000}}};
  MockSharedCache cache(&loop, Rng(1), options);
  cache.Seed("k", "v", kMicrosPerSecond);
  std::vector<std::string> log;
  for (Micros at : {1999, 2000, 3999, 4000}) {
    loop.Spawn(GetAt(&loop, &cache, at, "k", &log), "get");
  }
  loop.Spawn(SetAt(&loop, &cache, 3000, "k", "changed", kMicrosPerSecond, &log), "set");
  loop.Run();
  // Issued at 1999: served at 2999 although the outage began; issued at 3999: refused.
  EXPECT_THAT(log, ElementsAre("2999: v", "3000: UNAVAILABLE", "4000: set UNAVAILABLE",
                               "4999: UNAVAILABLE", "5000: v"));
  EXPECT_EQ(cache.stats().gets, 4u);
  EXPECT_EQ(cache.stats().errors, 3u);
  EXPECT_EQ(cache.stats().hits, 2u);
}

TEST(MockSharedCacheTest, OutageErrorSaysWhen) {
  EventLoop loop;
  MockSharedCache cache(&loop, Rng(1), {kNoLatency, {{0, 10}}});
  Status status;
  loop.Spawn(
      [](MockSharedCache* c, Status* out) -> Task<void> {
        auto deleted = co_await c->Delete("k");
        *out = deleted;
      }(&cache, &status),
      "delete");
  loop.Run();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().ToString(),
            "UNAVAILABLE: mock shared cache: unavailable (outage at 0 us)");
}

TEST(MockSharedCacheTest, DeleteAndNonPositiveTtlRemoveTheKey) {
  EventLoop loop;
  MockSharedCache cache(&loop, Rng(1), {kNoLatency, {}});
  cache.Seed("a", "1", 1000);
  cache.Seed("b", "2", 1000);
  std::vector<std::string> log;
  loop.Spawn(
      [](MockSharedCache* c) -> Task<void> {
        auto deleted = co_await c->Delete("a");
        auto missing = co_await c->Delete("never-there");  // not an error
        auto zero = co_await c->Set("b", "3", 0);
        (void)deleted, (void)missing, (void)zero;
      }(&cache),
      "ops");
  loop.Run();
  EXPECT_EQ(cache.Peek("a"), std::nullopt);
  EXPECT_EQ(cache.Peek("b"), std::nullopt);
  EXPECT_EQ(cache.stats().deletes, 2u);
  EXPECT_EQ(cache.stats().sets, 1u);
  EXPECT_EQ(cache.stats().errors, 0u);
}

// Completion times of `n` Gets issued at 0 with the default lognormal latency.
std::vector<Micros> LatencySamples(std::uint64_t seed, int n) {
  EventLoop loop;
  MockSharedCache cache(&loop, Rng(seed), MockSharedCacheOptions{});
  std::vector<std::string> log;
  for (int i = 0; i < n; ++i) loop.Spawn(GetAt(&loop, &cache, 0, "k", &log), "get");
  loop.Run();
  std::vector<Micros> out;
  for (const std::string& line : log) out.push_back(std::stoll(line.substr(0, line.find(':'))));
  return out;
}

TEST(MockSharedCacheTest, LognormalLatencyIsDeterministicForASeed) {
  const std::vector<Micros> a = LatencySamples(42, 20);
  EXPECT_EQ(a, LatencySamples(42, 20));
  EXPECT_NE(a, LatencySamples(43, 20));
  for (Micros t : a) EXPECT_GT(t, 0);
}

}  // namespace
}  // namespace agentsim
