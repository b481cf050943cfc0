// Chaos mode (mocks/chaos.h) and FaultControl's timeline outages (mocks/chaos_control.h).
#include "mocks/chaos.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "mocks/chaos_control.h"

namespace agentsim {
namespace {

ChaosOptions On(double p, double q, std::vector<std::string> sites = {}) {
  ChaosOptions o;
  o.enabled = true;
  o.site_probability = p;
  o.fire_probability = q;
  o.sites = std::move(sites);
  return o;
}

std::string EnabledSites(const Chaos& chaos) {
  std::string out;
  for (const ChaosSiteStats& s : chaos.Stats()) {
    if (s.enabled) out += (out.empty() ? "" : " ") + std::string(s.site);
  }
  return out;
}

TEST(ChaosTest, SiteNamesRoundTrip) {
  for (std::size_t i = 0; i < kChaosSiteCount; ++i) {
    const auto site = static_cast<ChaosSite>(i);
    EXPECT_EQ(ChaosSiteByName(ChaosSiteName(site)), site) << ChaosSiteName(site);
  }
  EXPECT_FALSE(ChaosSiteByName("llm.nonsense").has_value());
}

struct SeedCase {
  std::uint64_t seed;
  std::string enabled;
};
void PrintTo(const SeedCase& c, std::ostream* os) { *os << "seed " << c.seed; }

class ChaosSeedTest : public testing::TestWithParam<SeedCase> {};

// Pinned: which sites a seed switches on at site_probability 0.5 (changes only if a site's name
// or the stream keys change).
TEST_P(ChaosSeedTest, SwitchesTheSameSitesForTheSameSeed) {
  Chaos a(On(0.5, 0.05), Rng(GetParam().seed).Fork("chaos"));
  Chaos b(On(0.5, 0.05), Rng(GetParam().seed).Fork("chaos"));
  EXPECT_EQ(EnabledSites(a), GetParam().enabled);
  EXPECT_EQ(EnabledSites(b), GetParam().enabled);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ChaosSeedTest,
                         testing::Values(
                             SeedCase{1, "llm.error llm.timeout llm.stall tts.stall store.outage"},
                             SeedCase{2, "llm.rate_limit llm.malformed llm.stall tts.error "
                                         "tts.timeout room.disconnect store.outage store.slow"},
                             SeedCase{5, "llm.error llm.timeout llm.rate_limit llm.stall "
                                         "tts.error tts.timeout"}));

TEST(ChaosTest, SitesOutsideTheListStayOff) {
  Chaos chaos(On(1.0, 1.0, {"llm.error", "room.disconnect"}), Rng(3).Fork("chaos"));
  EXPECT_EQ(EnabledSites(chaos), "llm.error room.disconnect");
  EXPECT_EQ(chaos.sites_enabled(), 2);
  EXPECT_FALSE(chaos.Fire(ChaosSite::kTtsError));
  EXPECT_TRUE(chaos.Fire(ChaosSite::kLlmError));
  const std::vector<ChaosSiteStats> stats = chaos.Stats();
  ASSERT_EQ(stats.size(), kChaosSiteCount);
  EXPECT_EQ(stats[static_cast<std::size_t>(ChaosSite::kTtsError)].opportunities, 1u);
  EXPECT_EQ(stats[static_cast<std::size_t>(ChaosSite::kTtsError)].fired, 0u);
  EXPECT_EQ(stats[static_cast<std::size_t>(ChaosSite::kLlmError)].fired, 1u);
  EXPECT_EQ(chaos.fired(), 1u);
}

TEST(ChaosTest, DisabledChaosNeverFires) {
  ChaosOptions o = On(1.0, 1.0);
  o.enabled = false;
  Chaos chaos(o, Rng(3).Fork("chaos"));
  EXPECT_EQ(chaos.sites_enabled(), 0);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(chaos.Fire(ChaosSite::kLlmError));
}

std::vector<bool> Firings(Chaos& chaos, ChaosSite site, int n) {
  std::vector<bool> out;
  for (int i = 0; i < n; ++i) out.push_back(chaos.Fire(site));
  return out;
}

// Each site draws from its own stream: enabling another site, or drawing at it in between,
// moves nothing.
TEST(ChaosTest, AnotherSiteMovesNoDraw) {
  Chaos one(On(1.0, 0.3, {"llm.error"}), Rng(9).Fork("chaos"));
  Chaos two(On(1.0, 0.3, {"llm.error", "tts.stall"}), Rng(9).Fork("chaos"));
  std::vector<bool> a = Firings(one, ChaosSite::kLlmError, 200);
  std::vector<bool> b;
  for (int i = 0; i < 200; ++i) {
    (void)two.Fire(ChaosSite::kTtsStall);
    b.push_back(two.Fire(ChaosSite::kLlmError));
  }
  EXPECT_EQ(a, b);
}

TEST(ChaosTest, FiresAtTheFireProbability) {
  Chaos chaos(On(1.0, 0.2, {"store.slow"}), Rng(4).Fork("chaos"));
  int fired = 0;
  for (int i = 0; i < 10'000; ++i) fired += chaos.Fire(ChaosSite::kStoreSlow) ? 1 : 0;
  EXPECT_EQ(fired, 2000);  // pinned (the seed happens to give exactly q)
  EXPECT_NEAR(fired, 2000, 120);  // 3 standard deviations
}

TEST(FaultControlTest, TimelineOutagesByBackendAndProvider) {
  EventLoop loop;
  FaultControl control(&loop);
  EXPECT_FALSE(control.InOutage("llm", "openai"));
  control.StartOutage("llm", "openai");
  EXPECT_TRUE(control.InOutage("llm", "openai"));
  EXPECT_FALSE(control.InOutage("llm", "anthropic"));
  EXPECT_FALSE(control.InOutage("tts", "openai"));
  control.StartOutage("tts", "");
  EXPECT_TRUE(control.InOutage("tts", "anything"));
  EXPECT_TRUE(control.EndOutage("llm", "openai"));
  EXPECT_FALSE(control.EndOutage("llm", "openai"));
  EXPECT_FALSE(control.InOutage("llm", "openai"));
  EXPECT_TRUE(control.any_outage_active());
  EXPECT_FALSE(control.Fire(ChaosSite::kLlmError));  // no chaos
  EXPECT_EQ(control.chaos(), nullptr);
}

}  // namespace
}  // namespace agentsim
