// ResilienceRegistry: the circuit breakers and retry budgets of one worker, one of each per
// provider, shared by every session of the worker (AgentServices::resilience). A provider's
// breaker and budget are made on first use with the registry's options. Providers are kept in
// name order, so iterating them (for a report) is deterministic.
// Not thread-safe (one worker = one event loop). REQUIRES: outlives every call that uses it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/resilience/circuit_breaker.h"
#include "core/resilience/retry_budget.h"

namespace agentsim {

struct ResilienceOptions {
  bool breakers_enabled = true;
  CircuitBreakerOptions breaker;
  bool budgets_enabled = true;
  RetryBudgetOptions budget;
};

// One breaker state change, with the provider it belongs to.
struct ProviderTransition {
  std::string provider;
  BreakerTransition transition;
};

class ResilienceRegistry {
 public:
  explicit ResilienceRegistry(ResilienceOptions options = {});
  ResilienceRegistry(const ResilienceRegistry&) = delete;
  ResilienceRegistry& operator=(const ResilienceRegistry&) = delete;

  // The provider's breaker, or nullptr when breakers are disabled. Stable address.
  CircuitBreaker* Breaker(std::string_view provider);
  // The provider's retry budget, or nullptr when budgets are disabled. Stable address.
  RetryBudget* Budget(std::string_view provider);

  // Providers seen so far, in name order.
  std::vector<std::string> Providers() const;
  // Every breaker state change of every provider, ordered by (at_us, provider, order of
  // occurrence).
  std::vector<ProviderTransition> Transitions() const;

  const ResilienceOptions& options() const { return options_; }

 private:
  struct Entry {
    std::unique_ptr<CircuitBreaker> breaker;
    std::unique_ptr<RetryBudget> budget;
  };
  Entry& At(std::string_view provider);

  ResilienceOptions options_;
  std::map<std::string, Entry, std::less<>> providers_;
};

}  // namespace agentsim
