// MockSharedCache: the simulator's L2 (Redis in the seed). A map of text values with a TTL on
// the loop's virtual time, a lognormal latency per call and scripted outages.
//
// Every call takes one latency sample (drawn in call order from the cache's own Rng stream) and
// completes through the loop. A call issued at virtual time t with t in an outage window
// [start_us, end_us) fails with kUnavailable (after its latency). Otherwise the operation is
// applied when the call completes: a value set at time s with TTL d is live at times t with
// s <= t < s + d (at exactly s + d it is expired, as in Redis). A TTL <= 0 deletes the key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/async/event_loop.h"
#include "core/ports/shared_cache.h"
#include "core/rng/distributions.h"
#include "core/rng/rng.h"

namespace agentsim {

// An interval [start_us, end_us) of virtual time during which a mock backend refuses calls
// (kUnavailable). Also used by InMemoryDocumentStore.
struct OutageWindow {
  Micros start_us = 0;
  Micros end_us = 0;
};

// True when `t_us` lies in one of `outages`.
inline bool InOutage(const std::vector<OutageWindow>& outages, Micros t_us) {
  for (const OutageWindow& w : outages) {
    if (t_us >= w.start_us && t_us < w.end_us) return true;
  }
  return false;
}

// One latency sample in µs from `spec` (milliseconds); a median <= 0 means no latency (and
// draws nothing).
inline Micros SampleMockLatency(const LogNormalSpec& spec, Rng& rng) {
  if (spec.median <= 0) return 0;
  return spec.SampleMillisAsMicros(rng);
}

struct MockSharedCacheOptions {
  LogNormalSpec latency_ms{0.5, 2.0};
  std::vector<OutageWindow> outages;
};

class MockSharedCache final : public SharedCache {
 public:
  struct Stats {
    std::uint64_t gets = 0;
    std::uint64_t hits = 0;         // gets that found a live value
    std::uint64_t misses = 0;       // gets that found nothing (absent or expired)
    std::uint64_t expirations = 0;  // gets that found an expired value (also misses)
    std::uint64_t sets = 0;
    std::uint64_t deletes = 0;
    std::uint64_t errors = 0;  // calls refused by an outage
  };

  // `loop` not owned.
  MockSharedCache(EventLoop* loop, Rng rng, MockSharedCacheOptions options);

  Task<Result<std::optional<std::string>>> Get(std::string key) override;
  Task<Status> Set(std::string key, std::string value, Micros ttl_us) override;
  Task<Status> Delete(std::string key) override;

  // Set-up and inspection, synchronous, without latency, outages or stats:
  // stores `value` for `ttl_us` from now;
  void Seed(std::string key, std::string value, Micros ttl_us);
  // the live value of `key` now, if any;
  std::optional<std::string> Peek(const std::string& key) const;
  // when `key` expires (µs), if it is live now.
  std::optional<Micros> ExpiresAt(const std::string& key) const;

  const Stats& stats() const { return stats_; }

 private:
  struct Entry {
    std::string value;
    Micros expires_at_us = 0;
  };
  void Put(std::string key, std::string value, Micros ttl_us);
  Error OutageError(Micros issued_at_us) const;
  // Every call: its latency, then kUnavailable when it was issued during an outage (counted).
  Task<Status> Arrive();

  EventLoop* loop_;
  Rng rng_;
  MockSharedCacheOptions options_;
  std::map<std::string, Entry, std::less<>> entries_;
  Stats stats_;
};

}  // namespace agentsim
