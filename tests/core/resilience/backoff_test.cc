#include "core/resilience/backoff.h"

#include <ostream>
#include <vector>

#include <gtest/gtest.h>

namespace agentsim {
namespace {

RetryPolicy Policy(Micros base_us, Micros cap_us) {
  RetryPolicy p;
  p.max_attempts = 5;
  p.base_delay_us = base_us;
  p.max_delay_us = cap_us;
  return p;
}

struct CeilingCase {
  const char* name;
  Micros base_us;
  Micros cap_us;
  int retry;
  Micros expected_us;
};
void PrintTo(const CeilingCase& c, std::ostream* os) { *os << c.name; }

class BackoffCeilingTest : public ::testing::TestWithParam<CeilingCase> {};

TEST_P(BackoffCeilingTest, DoublesUpToTheCap) {
  const CeilingCase& c = GetParam();
  EXPECT_EQ(BackoffCeiling(Policy(c.base_us, c.cap_us), c.retry), c.expected_us);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BackoffCeilingTest,
    ::testing::Values(CeilingCase{"first_retry_is_base", 100'000, 2'000'000, 0, 100'000},
                      CeilingCase{"second_doubles", 100'000, 2'000'000, 1, 200'000},
                      CeilingCase{"fifth", 100'000, 2'000'000, 4, 1'600'000},
                      CeilingCase{"sixth_capped", 100'000, 2'000'000, 5, 2'000'000},
                      CeilingCase{"huge_retry_no_overflow", 100'000, 2'000'000, 1000, 2'000'000},
                      CeilingCase{"huge_cap_no_overflow", 1, INT64_MAX, 80, INT64_MAX},
                      CeilingCase{"base_above_cap", 5'000'000, 2'000'000, 0, 2'000'000},
                      CeilingCase{"zero_base", 0, 2'000'000, 3, 0},
                      CeilingCase{"zero_cap", 100'000, 0, 3, 0}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(FullJitterTest, DelaysForSeed42AreExact) {
  // AWS full jitter: UniformInt(0, min(2 s, 100 ms * 2^r)) from the session's stream.
  Rng rng(42);
  const RetryPolicy policy = Policy(100'000, 2'000'000);
  std::vector<Micros> delays;
  for (int r = 0; r < 7; ++r) delays.push_back(FullJitterDelay(policy, r, rng));
  // Ceilings 100, 200, 400, 800, 1600, 2000, 2000 ms.
  EXPECT_EQ(delays,
            (std::vector<Micros>{10114, 73630, 306137, 417884, 995480, 1918244, 954793}));
}

TEST(FullJitterTest, StaysWithinTheCeilingAndDrawsOncePerRetry) {
  const RetryPolicy policy = Policy(100'000, 2'000'000);
  Rng rng(7);
  Rng twin(7);
  for (int i = 0; i < 2000; ++i) {
    const int r = i % 8;
    const Micros d = FullJitterDelay(policy, r, rng);
    EXPECT_GE(d, 0);
    EXPECT_LE(d, BackoffCeiling(policy, r));
    (void)twin.NextU64();
  }
  // One draw per delay (Lemire's method rejects with probability < 1e-12 here).
  EXPECT_EQ(rng.NextU64(), twin.NextU64());
}

TEST(RetryDelayTest, HonoursRetryAfterWhenLonger) {
  const RetryPolicy policy = Policy(100'000, 2'000'000);
  Rng a(42);
  Rng b(42);
  const Micros jittered = FullJitterDelay(policy, 1, a);
  EXPECT_EQ(RetryDelay(policy, 1, 1'500'000, b), 1'500'000);
  Rng c(42);
  EXPECT_EQ(RetryDelay(policy, 1, 0, c), jittered);
  Rng d(42);
  EXPECT_EQ(RetryDelay(policy, 1, 1, d), std::max<Micros>(jittered, 1));
}

TEST(DeadlineTest, TurnDeadlineAndAttemptTimeout) {
  RetryPolicy policy;
  EXPECT_EQ(TurnDeadlineAt(policy, 5'000), kNoDeadline);
  EXPECT_EQ(AttemptTimeoutAt(policy, 5'000, kNoDeadline), kNoDeadline);
  policy.deadline_us = 3'000'000;
  policy.call_timeout_us = 1'000'000;
  const Micros deadline = TurnDeadlineAt(policy, 5'000);
  EXPECT_EQ(deadline, 3'005'000);
  EXPECT_EQ(AttemptTimeoutAt(policy, 5'000, deadline), 1'005'000);        // own timeout first
  EXPECT_EQ(AttemptTimeoutAt(policy, 2'500'000, deadline), 3'005'000);    // cut by the deadline
  EXPECT_EQ(TurnDeadlineAt(policy, kNoDeadline - 10), kNoDeadline);       // no overflow
}

TEST(DeadlineTest, StartsBeforeDeadline) {
  EXPECT_TRUE(StartsBeforeDeadline(0, 999, 1'000));
  EXPECT_FALSE(StartsBeforeDeadline(0, 1'000, 1'000));
  EXPECT_FALSE(StartsBeforeDeadline(1'000, 0, 1'000));
  EXPECT_TRUE(StartsBeforeDeadline(INT64_MAX - 5, INT64_MAX, kNoDeadline));
}

TEST(RetryableTest, OnlyTransientCodes) {
  EXPECT_TRUE(IsRetryable(ErrorCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(ErrorCode::kDeadlineExceeded));
  EXPECT_TRUE(IsRetryable(ErrorCode::kResourceExhausted));
  EXPECT_FALSE(IsRetryable(ErrorCode::kInvalidArgument));
  EXPECT_FALSE(IsRetryable(ErrorCode::kCancelled));
  EXPECT_FALSE(IsRetryable(ErrorCode::kInternal));
  EXPECT_FALSE(IsRetryable(ErrorCode::kPermissionDenied));
}

}  // namespace
}  // namespace agentsim
