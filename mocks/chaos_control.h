// FaultControl: the faults a run injects from outside the backends' own fault models — outages
// started and ended by timeline actions (start_outage / end_outage) and the chaos mode's sites
// (mocks/chaos.h) — and the log of every fault the wrappers of mocks/chaos_clients.h,
// mocks/chaos_stores.h and the mock rooms inject. One per run; not thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/clock.h"
#include "mocks/backend_faults.h"
#include "mocks/chaos.h"

namespace agentsim {

class FaultControl {
 public:
  // `clock` not owned. Without `chaos` no site ever fires.
  explicit FaultControl(const Clock* clock, std::optional<Chaos> chaos = std::nullopt)
      : clock_(clock), chaos_(std::move(chaos)) {}

  // Timeline outages of `backend` ("llm", "tts", "store", "shared_cache"); `provider` "" means
  // every provider of the backend (the only choice for store and shared_cache). Starting an
  // active outage or ending one that is not active changes nothing; EndOutage returns whether
  // one was active.
  void StartOutage(std::string_view backend, std::string_view provider);
  bool EndOutage(std::string_view backend, std::string_view provider);
  // True when a call of `provider` to `backend` issued now is refused by a timeline outage
  // (of that provider or of every provider).
  bool InOutage(std::string_view backend, std::string_view provider) const;
  bool any_outage_active() const { return !outages_.empty(); }

  // One opportunity at `site` (false without chaos).
  bool Fire(ChaosSite site) { return chaos_ && chaos_->Fire(site); }
  Chaos* chaos() { return chaos_ ? &*chaos_ : nullptr; }
  const Chaos* chaos() const { return chaos_ ? &*chaos_ : nullptr; }
  // What chaos firings do (the defaults of ChaosOptions without chaos).
  const ChaosOptions& chaos_options() const { return chaos_ ? chaos_->options() : defaults_; }

  // Logs a fault injected now. `backend` and `site`: string literals or kChaosSiteNames.
  void Log(std::string_view backend, std::string provider, FaultKind kind,
           std::string_view site) {
    LogAt(clock_->NowMicros(), backend, std::move(provider), kind, site);
  }
  // The same, for a fault that took effect at `at_us` (a room drop noticed later).
  void LogAt(Micros at_us, std::string_view backend, std::string provider, FaultKind kind,
             std::string_view site);
  Micros now_us() const { return clock_->NowMicros(); }
  // In the order injected.
  const std::vector<InjectedFault>& log() const { return log_; }

 private:
  const Clock* clock_;
  std::optional<Chaos> chaos_;
  ChaosOptions defaults_;
  std::set<std::pair<std::string, std::string>, std::less<>> outages_;  // (backend, provider)
  std::vector<InjectedFault> log_;
};

}  // namespace agentsim
