#include "sim/workload/arrival_schedule.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/workload/rate_profile.h"

namespace agentsim {
namespace {

constexpr Micros kS = kMicrosPerSecond;
constexpr Micros kMs = kMicrosPerMilli;

template <class Spec>
std::vector<Micros> All(const Spec& spec, Rng rng = Rng(1)) {
  ArrivalSchedule schedule(spec, rng);
  std::vector<Micros> out;
  while (std::optional<Micros> t = schedule.Next()) out.push_back(*t);
  return out;
}

ConstantArrivalRate Constant(double rate, Micros time_unit_us, Micros duration_us) {
  ConstantArrivalRate c;
  c.rate = rate;
  c.time_unit_us = time_unit_us;
  c.duration_us = duration_us;
  return c;
}

RampingArrivalRate Ramping(double start_rate, std::vector<RateStage> stages,
                           Micros time_unit_us = kS) {
  RampingArrivalRate r;
  r.start_rate = start_rate;
  r.time_unit_us = time_unit_us;
  r.stages = std::move(stages);
  return r;
}

struct ConstantCase {
  std::string name;
  ConstantArrivalRate spec;
  std::vector<Micros> instants;
};

void PrintTo(const ConstantCase& c, std::ostream* os) { *os << c.name; }

class ConstantArrivalRateTest : public ::testing::TestWithParam<ConstantCase> {};

TEST_P(ConstantArrivalRateTest, StartsAtEvenlySpacedInstants) {
  EXPECT_EQ(All(GetParam().spec), GetParam().instants);
}

INSTANTIATE_TEST_SUITE_P(
    K6Schedule, ConstantArrivalRateTest,
    ::testing::Values(
        // k6's documented behaviour: 10 iterations/s for 1 s start at 0, 100 ms, ..., 900 ms.
        ConstantCase{"TenPerSecond",
                     Constant(10, kS, kS),
                     {0, 100 * kMs, 200 * kMs, 300 * kMs, 400 * kMs, 500 * kMs, 600 * kMs,
                      700 * kMs, 800 * kMs, 900 * kMs}},
        ConstantCase{"ThirdsRoundToNearestMicrosecond", Constant(3, kS, kS), {0, 333'333, 666'667}},
        ConstantCase{"ThirtyPerMinute",
                     Constant(30, 60 * kS, 10 * kS),
                     {0, 2 * kS, 4 * kS, 6 * kS, 8 * kS}},
        ConstantCase{"FractionalRate", Constant(0.5, kS, 5 * kS), {0, 2 * kS, 4 * kS}},
        ConstantCase{"ShorterThanOneGap", Constant(1, kS, 1), {0}}),
    [](const ::testing::TestParamInfo<ConstantCase>& param_info) { return param_info.param.name; });

struct RampingCase {
  std::string name;
  RampingArrivalRate spec;
  std::vector<Micros> instants;
};

void PrintTo(const RampingCase& c, std::ostream* os) { *os << c.name; }

class RampingArrivalRateTest : public ::testing::TestWithParam<RampingCase> {};

TEST_P(RampingArrivalRateTest, FollowsTheLinearRamp) {
  EXPECT_EQ(All(GetParam().spec), GetParam().instants);
}

INSTANTIATE_TEST_SUITE_P(
    K6Schedule, RampingArrivalRateTest,
    ::testing::Values(
        // k6's TestRampingArrivalRateCal: 0 -> 1/s over 5 s, 1/s for 1 s, 1 -> 0/s over 5 s.
        // k6 expects 3162, 4472, 5500, 6527, 7837 ms and 11 s; the last falls on the end, which
        // is excluded here.
        RampingCase{"K6CalExample",
                    Ramping(0, {{1, 5 * kS}, {1, 1 * kS}, {0, 5 * kS}}),
                    {3'162'278, 4'472'136, 5'500'000, 6'527'864, 7'837'722}},
        // The same stages three times as fast (k6: 1825, 2581, 3162, ..., 9174, 10999 ms).
        RampingCase{"K6CalExampleThreeTimesAsFast",
                    Ramping(0, {{1, 5 * kS}, {1, 1 * kS}, {0, 5 * kS}}, 333'333),
                    {1'825'741, 2'581'988, 3'162'276, 3'651'482, 4'082'481, 4'472'134,
                     4'830'457, 5'166'664, 5'499'997, 5'833'330, 6'169'537, 6'527'860,
                     6'917'512, 7'348'510, 7'837'714, 8'418'001, 9'174'243, 10'992'254}},
        // A flat ramping stage: the first arrival once one is due (k6 counts from 1).
        RampingCase{"FlatStageStartsAfterOneGap",
                    Ramping(10, {{10, kS}}),
                    {100 * kMs, 200 * kMs, 300 * kMs, 400 * kMs, 500 * kMs, 600 * kMs, 700 * kMs,
                     800 * kMs, 900 * kMs}},
        // A zero-duration stage jumps: nothing at rate 0, then 4/s.
        RampingCase{"ZeroDurationStageJumps",
                    Ramping(0, {{0, kS}, {4, 0}, {4, kS}}),
                    {1'250'000, 1'500'000, 1'750'000}},
        RampingCase{"RateZeroThroughout", Ramping(0, {{0, 10 * kS}}), {}}),
    [](const ::testing::TestParamInfo<RampingCase>& param_info) { return param_info.param.name; });

TEST(ArrivalScheduleTest, EndsAndStaysEnded) {
  ArrivalSchedule s(Constant(2, kS, kS), Rng(1));
  EXPECT_EQ(s.Next(), Micros{0});
  EXPECT_EQ(s.Next(), 500 * kMs);
  EXPECT_EQ(s.Next(), std::nullopt);
  EXPECT_EQ(s.Next(), std::nullopt);
  EXPECT_EQ(s.produced(), 2);
  EXPECT_EQ(s.end_us(), kS);
}

TEST(ArrivalScheduleTest, ExposesTheConcurrencyLimitForDrops) {
  ConstantArrivalRate c = Constant(10, kS, kS);
  c.max_concurrent = 3;
  ArrivalSchedule s(c, Rng(1));
  EXPECT_EQ(s.max_concurrent(), 3);
  EXPECT_TRUE(AdmitsArrival(s.max_concurrent(), 2));
  EXPECT_FALSE(AdmitsArrival(s.max_concurrent(), 3));  // dropped, as k6's dropped_iterations
  EXPECT_TRUE(AdmitsArrival(0, 1'000'000));             // 0: unlimited
}

// The old {"sessions": N, "arrival_rate_per_s": R} must draw what the runner drew before.
TEST(ArrivalScheduleTest, LegacyExecutorReproducesThePreviousRunnerDraws) {
  const auto legacy = std::get<ConstantArrivalRate>(LegacyPoissonExecutor(50, 2.5));
  Rng users = Rng(1234).Fork("users");
  std::vector<Micros> before;  // sim/runner.cc's ArriveSessions, as it was
  Rng arrivals = users.Fork("arrivals");
  const double mean_gap_us = 1e6 / 2.5;
  Micros t = 0;
  for (std::int64_t i = 0; i < 50; ++i) {
    if (i > 0) t += static_cast<Micros>(std::llround(arrivals.Exponential(mean_gap_us)));
    before.push_back(t);
  }
  EXPECT_EQ(All(legacy, users.Fork("arrivals")), before);
}

TEST(ArrivalScheduleTest, PoissonInstantsArePinned) {
  ConstantArrivalRate c = Constant(10, kS, kS);
  c.arrivals = ArrivalProcess::kPoisson;
  EXPECT_EQ(All(c), (std::vector<Micros>{0, 265'883, 448'690, 466'761, 559'740, 710'235, 713'054,
                                         775'214, 994'127}));
  RampingArrivalRate r = Ramping(10, {{10, kS}});
  r.arrivals = ArrivalProcess::kPoisson;
  // The time-changed process: arrival i where the expected count reaches E1 + ... + Ei.
  EXPECT_EQ(All(r), (std::vector<Micros>{265'883, 448'690, 466'761, 559'740, 710'235, 713'054,
                                         775'214, 994'126}));
}

TEST(ArrivalScheduleTest, PoissonKeepsTheMeanRate) {
  ConstantArrivalRate c = Constant(50, kS, 1000 * kS);
  c.arrivals = ArrivalProcess::kPoisson;
  EXPECT_NEAR(static_cast<double>(All(c, Rng(3)).size()), 50'000, 700);  // about 3 sd
  RampingArrivalRate r = Ramping(0, {{100, 1000 * kS}});
  r.arrivals = ArrivalProcess::kPoisson;
  const std::vector<Micros> ramp = All(r, Rng(4));
  EXPECT_NEAR(static_cast<double>(ramp.size()), 50'000, 700);
  // Three quarters of the arrivals of a linear ramp from 0 fall in its second half.
  const auto second_half = std::count_if(ramp.begin(), ramp.end(), [](Micros t) { return t >= 500 * kS; });
  EXPECT_NEAR(static_cast<double>(second_half) / static_cast<double>(ramp.size()), 0.75, 0.01);
}

TEST(ArrivalScheduleTest, SameRngSameInstants) {
  RampingArrivalRate r = Ramping(5, {{50, 10 * kS}});
  r.arrivals = ArrivalProcess::kPoisson;
  EXPECT_EQ(All(r, Rng(9)), All(r, Rng(9)));
  EXPECT_NE(All(r, Rng(9)), All(r, Rng(10)));
}

TEST(CountArrivalsTest, CountsPerSecondOfARamp) {
  // k6's TestRampingArrivalRateRunCorrectRate: 10/s for 1 s, up to 50/s over 1 s, 50/s for 1 s;
  // k6 checks about 10, 30 and 50 iterations in the three seconds.
  const RampingArrivalRate r = Ramping(10, {{10, kS}, {50, kS}, {50, kS}});
  EXPECT_EQ(CountArrivals(r, Rng(1), 0, kS), 9);  // the 10th is at 1 s
  EXPECT_EQ(CountArrivals(r, Rng(1), kS, 2 * kS), 30);
  EXPECT_EQ(CountArrivals(r, Rng(1), 2 * kS, 3 * kS), 50);
  EXPECT_DOUBLE_EQ(ExpectedArrivals(r, kS, 2 * kS), 30);
  EXPECT_EQ(CountArrivals(Constant(10, kS, kS), Rng(1), 0, kS), 10);
  EXPECT_EQ(CountArrivals(Constant(10, kS, kS), Rng(1), 250 * kMs, 550 * kMs), 3);
  EXPECT_EQ(CountArrivals(Constant(10, kS, kS), Rng(1), 5 * kS, 6 * kS), 0);
  EXPECT_EQ(CountArrivals(Constant(10, kS, kS), Rng(1), 500 * kMs, 500 * kMs), 0);
}

// CountArrivals agrees with the instants Next() produces, for every window.
TEST(CountArrivalsTest, MatchesTheScheduleInEveryWindow) {
  std::vector<RampingArrivalRate> ramps = {
      Ramping(0, {{1, 5 * kS}, {1, 1 * kS}, {0, 5 * kS}}),
      Ramping(3, {{7.5, 2 * kS}, {0, 0}, {2, 3 * kS}, {0.5, 1 * kS}}, 700 * kMs),
  };
  RampingArrivalRate poisson = Ramping(2, {{40, 3 * kS}});
  poisson.arrivals = ArrivalProcess::kPoisson;
  ramps.push_back(poisson);
  std::vector<ConstantArrivalRate> constants = {Constant(7, kS, 3 * kS), Constant(3, 2 * kS, 5 * kS)};
  ConstantArrivalRate constant_poisson = Constant(20, kS, 3 * kS);
  constant_poisson.arrivals = ArrivalProcess::kPoisson;
  constants.push_back(constant_poisson);
  ConstantArrivalRate capped = Constant(20, kS, 3 * kS);
  capped.max_sessions = 11;
  constants.push_back(capped);

  const auto brute = [](const std::vector<Micros>& all, Micros t0, Micros t1) {
    return std::count_if(all.begin(), all.end(), [&](Micros t) { return t >= t0 && t < t1; });
  };
  Rng windows(77);
  for (std::size_t k = 0; k < ramps.size() + constants.size(); ++k) {
    SCOPED_TRACE(k);
    const std::vector<Micros> all = k < ramps.size() ? All(ramps[k], Rng(5)) : All(constants[k - ramps.size()], Rng(5));
    for (int w = 0; w < 200; ++w) {
      Micros t0 = windows.UniformInt(-kS, 12 * kS);
      Micros t1 = t0 + windows.UniformInt(0, 4 * kS);
      if (static_cast<std::size_t>(w) < all.size()) t0 = all[static_cast<std::size_t>(w)];  // windows starting exactly on an arrival
      const std::int64_t n = k < ramps.size()
                                 ? CountArrivals(ramps[k], Rng(5), t0, t1)
                                 : CountArrivals(constants[k - ramps.size()], Rng(5), t0, t1);
      ASSERT_EQ(n, brute(all, t0, t1)) << "[" << t0 << ", " << t1 << ")";
    }
  }
}

TEST(RateProfileTest, IntegratesAndInvertsTheRamp) {
  const RateProfile p(0, kS, {{1, 5 * kS}, {1, 1 * kS}, {0, 5 * kS}});
  EXPECT_EQ(p.end_us(), 11 * kS);
  EXPECT_DOUBLE_EQ(p.total(), 6);
  EXPECT_DOUBLE_EQ(p.AreaBefore(5 * kS), 2.5);
  EXPECT_DOUBLE_EQ(p.AreaBefore(6 * kS), 3.5);
  EXPECT_DOUBLE_EQ(p.AreaBefore(100 * kS), 6);
  EXPECT_DOUBLE_EQ(p.AreaBefore(-kS), 0);
  EXPECT_DOUBLE_EQ(*p.InstantOfArea(3), 5.5e6);
  EXPECT_DOUBLE_EQ(*p.InstantOfArea(6), 11e6);
  EXPECT_EQ(p.InstantOfArea(6.001), std::nullopt);
  EXPECT_DOUBLE_EQ(p.RateAt(2500 * kMs), 0.5);
  EXPECT_DOUBLE_EQ(p.RateAt(5500 * kMs), 1);
  EXPECT_DOUBLE_EQ(p.RateAt(11 * kS), 0);
}

}  // namespace
}  // namespace agentsim
