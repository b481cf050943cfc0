#include "mocks/chaos.h"

#include <algorithm>

namespace agentsim {

Chaos::Chaos(ChaosOptions options, Rng rng) : options_(std::move(options)) {
  for (std::size_t i = 0; i < kChaosSiteCount; ++i) {
    const std::string_view name = kChaosSiteNames[i];
    Rng site = rng.Fork(name);
    Site& s = sites_[i];
    s.fire = site.Fork("fire");
    s.detail = site.Fork("detail");
    const bool listed = options_.sites.empty() ||
                        std::find(options_.sites.begin(), options_.sites.end(), name) !=
                            options_.sites.end();
    Rng enabled = site.Fork("enabled");
    s.enabled = options_.enabled && listed && enabled.Bernoulli(options_.site_probability);
  }
}

bool Chaos::Fire(ChaosSite site) {
  Site& s = sites_[Index(site)];
  ++s.opportunities;
  if (!s.enabled || !s.fire.Bernoulli(options_.fire_probability)) return false;
  ++s.fired;
  return true;
}

std::vector<ChaosSiteStats> Chaos::Stats() const {
  std::vector<ChaosSiteStats> out;
  out.reserve(kChaosSiteCount);
  for (std::size_t i = 0; i < kChaosSiteCount; ++i) {
    const Site& s = sites_[i];
    out.push_back(ChaosSiteStats{kChaosSiteNames[i], s.enabled, s.opportunities, s.fired});
  }
  return out;
}

int Chaos::sites_enabled() const {
  return static_cast<int>(
      std::count_if(sites_.begin(), sites_.end(), [](const Site& s) { return s.enabled; }));
}

std::uint64_t Chaos::fired() const {
  std::uint64_t n = 0;
  for (const Site& s : sites_) n += s.fired;
  return n;
}

}  // namespace agentsim
