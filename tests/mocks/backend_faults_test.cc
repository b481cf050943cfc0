#include "mocks/backend_faults.h"

#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace agentsim {
namespace {

using ::testing::ElementsAre;

std::string Describe(const FaultDecision& d) {
  if (!d.failure) return d.stall_us > 0 ? "stall " + std::to_string(d.stall_us) : "ok";
  std::string out(FaultKindName(*d.failure));
  if (*d.failure == FaultKind::kRateLimited) out += " " + std::to_string(d.retry_after_us);
  if (*d.failure == FaultKind::kTimeout) out += " " + std::to_string(d.hang_us);
  return out;
}

TEST(FaultInjectorTest, OutageWindowsAreHalfOpenPerProvider) {
  BackendFaults alpha;
  alpha.outages = {OutageWindow{1'000, 2'000}};
  FaultInjector f("llm", "mock LLM", BackendFaults{}, {{"alpha", alpha}});
  Rng rng(1);
  std::vector<std::string> got;
  for (Micros t : {999, 1'000, 1'999, 2'000}) got.push_back(Describe(f.Decide("alpha", t, rng)));
  got.push_back(Describe(f.Decide("beta", 1'500, rng)));
  EXPECT_THAT(got, ElementsAre("ok", "outage", "outage", "ok", "ok"));
  EXPECT_EQ(f.count(FaultKind::kOutage), 2u);
  ASSERT_EQ(f.log().size(), 2u);
  EXPECT_EQ(f.log()[0].at_us, 1'000);
  EXPECT_EQ(f.log()[0].backend, "llm");
  EXPECT_EQ(f.log()[0].provider, "alpha");
  const Error e = f.ToError(f.Decide("alpha", 1'200, rng), 1'200);
  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
  EXPECT_EQ(e.message, "mock LLM: unavailable (outage at 1200 us)");
}

TEST(FaultInjectorTest, TokenBucketRateLimitsWithExactRetryAfter) {
  BackendFaults limited;
  limited.rate_limit_per_second = 2;
  limited.rate_limit_burst = 2;
  FaultInjector f("llm", "mock LLM", limited, {});
  Rng rng(1);
  std::vector<std::string> got;
  for (Micros t : {0, 0, 0, 500'000, 500'000, 1'250'000, 1'250'000, 100'000'000, 100'000'000,
                   100'000'000}) {
    got.push_back(Describe(f.Decide("p", t, rng)));
  }
  EXPECT_THAT(got, ElementsAre("ok", "ok", "rate_limited 500000",  // burst of 2 used
                               "ok", "rate_limited 500000",        // one token per 0.5 s
                               "ok", "rate_limited 250000",        // 1.5 tokens refilled
                               "ok", "ok", "rate_limited 500000"));  // full again, never more
  const Error e = f.ToError(f.Decide("p", 100'000'000, rng), 100'000'000);
  EXPECT_EQ(e.code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(e.retry_after_us, 500'000);
  EXPECT_EQ(e.message, "mock LLM: rate limited (retry after 500 ms)");
}

TEST(FaultInjectorTest, OneDrawSplitsErrorTimeoutAndRateLimitAtTheirRates) {
  BackendFaults faults;
  faults.error_rate = 0.2;
  faults.timeout_rate = 0.1;
  faults.hang_us = 30'000'000;
  faults.rate_limit_rate = 0.1;
  faults.retry_after_us = 750'000;
  faults.stall_rate = 0.5;
  faults.stall_us = 2'000'000;
  FaultInjector f("tts", "mock TTS", faults, {});
  std::map<std::string, int> got;
  const int n = 10'000;
  for (int i = 0; i < n; ++i) {
    Rng rng = Rng(3).Fork(static_cast<std::uint64_t>(i));
    ++got[Describe(f.Decide("p", i, rng))];
  }
  EXPECT_EQ(got.size(), 5u);
  EXPECT_EQ(got["error"], 2013);  // ~ 0.2 * n
  EXPECT_EQ(got["timeout 30000000"], 1015);  // ~ 0.1 * n
  EXPECT_EQ(got["rate_limited 750000"], 1073);  // ~ 0.1 * n
  EXPECT_EQ(got["stall 2000000"], 2879);  // half of the calls that did not fail
  EXPECT_EQ(got["ok"], 3020);
  EXPECT_EQ(f.log().size(), static_cast<std::size_t>(n - got["ok"]));
}

TEST(FaultInjectorTest, NoFaultsDrawNothing) {
  FaultInjector f("llm", "mock LLM", BackendFaults{}, {});
  Rng rng(9);
  Rng twin(9);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Describe(f.Decide("p", i, rng)), "ok");
  EXPECT_EQ(rng.NextU64(), twin.NextU64());
  EXPECT_TRUE(f.log().empty());
}

}  // namespace
}  // namespace agentsim
