// Chaos mode in the spirit of FoundationDB's BUGGIFY (docs/faults.md). Each fault site of
// mocks/chaos_sites.h is switched on for the whole run with probability site_probability
// (restricted to `sites` when given: the others stay off) and then, at each opportunity, fires
// with probability fire_probability. Every draw comes from the run's "chaos" stream forked by
// the site's name: Fork(name).Fork("enabled") decides the switch once, Fork(name).Fork("fire")
// is drawn once per opportunity of an enabled site, in the order opportunities occur. A site that
// is off draws nothing; adding a site moves no other site's draws. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/ports/clock.h"
#include "core/rng/rng.h"
#include "mocks/chaos_sites.h"

namespace agentsim {

struct ChaosOptions {
  bool enabled = false;
  double site_probability = 0.25;  // P(a site is on for the run)
  double fire_probability = 0.05;  // P(an enabled site fires at one opportunity)
  std::vector<std::string> sites;  // names of kChaosSiteNames; empty: every site
  // What a firing does (mocks/chaos_sites.h).
  Micros error_after_us = 200 * kMicrosPerMilli;
  Micros hang_us = 30 * kMicrosPerSecond;
  Micros retry_after_us = 1 * kMicrosPerSecond;
  Micros stall_us = 3 * kMicrosPerSecond;
  Micros slow_us = 500 * kMicrosPerMilli;
};

// One row of the report's chaos_site table.
struct ChaosSiteStats {
  std::string_view site;
  bool enabled = false;
  std::uint64_t opportunities = 0;  // counted whether the site is on or off
  std::uint64_t fired = 0;
};

class Chaos {
 public:
  // `rng`: the run's "chaos" stream. REQUIRES: every name in options.sites is a site.
  Chaos(ChaosOptions options, Rng rng);

  // One opportunity at `site`: counts it; true when the site is on and fires.
  bool Fire(ChaosSite site);
  // The site's stream for a firing's own choices (e.g. which malformation).
  Rng& Detail(ChaosSite site) { return sites_[Index(site)].detail; }
  bool enabled(ChaosSite site) const { return sites_[Index(site)].enabled; }

  const ChaosOptions& options() const { return options_; }
  // Every site in table order.
  std::vector<ChaosSiteStats> Stats() const;
  int sites_enabled() const;
  std::uint64_t fired() const;

 private:
  struct Site {
    bool enabled = false;
    Rng fire{0};
    Rng detail{0};
    std::uint64_t opportunities = 0;
    std::uint64_t fired = 0;
  };
  static std::size_t Index(ChaosSite site) { return static_cast<std::size_t>(site); }

  ChaosOptions options_;
  std::array<Site, kChaosSiteCount> sites_;
};

}  // namespace agentsim
