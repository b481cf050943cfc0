#include "core/resilience/resilience_registry.h"

#include <algorithm>

namespace agentsim {

ResilienceRegistry::ResilienceRegistry(ResilienceOptions options) : options_(options) {}

ResilienceRegistry::Entry& ResilienceRegistry::At(std::string_view provider) {
  auto it = providers_.find(provider);
  if (it == providers_.end()) {
    Entry entry;
    if (options_.breakers_enabled) {
      entry.breaker = std::make_unique<CircuitBreaker>(options_.breaker);
    }
    if (options_.budgets_enabled) entry.budget = std::make_unique<RetryBudget>(options_.budget);
    it = providers_.emplace(std::string(provider), std::move(entry)).first;
  }
  return it->second;
}

CircuitBreaker* ResilienceRegistry::Breaker(std::string_view provider) {
  return At(provider).breaker.get();
}

RetryBudget* ResilienceRegistry::Budget(std::string_view provider) {
  return At(provider).budget.get();
}

std::vector<std::string> ResilienceRegistry::Providers() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : providers_) names.push_back(name);
  return names;
}

std::vector<ProviderTransition> ResilienceRegistry::Transitions() const {
  std::vector<ProviderTransition> all;
  for (const auto& [name, entry] : providers_) {
    if (!entry.breaker) continue;
    for (const BreakerTransition& t : entry.breaker->transitions()) {
      all.push_back(ProviderTransition{name, t});
    }
  }
  // Providers are in name order and each one's changes in occurrence order: a stable sort on
  // the instant keeps both.
  std::stable_sort(all.begin(), all.end(), [](const ProviderTransition& a,
                                              const ProviderTransition& b) {
    return a.transition.at_us < b.transition.at_us;
  });
  return all;
}

}  // namespace agentsim
