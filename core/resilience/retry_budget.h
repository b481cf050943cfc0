// RetryBudget: stops retry storms against one provider (Finagle's RetryBudget, Envoy's
// retry_budget). Over a sliding window of virtual time, retries are allowed while
//
//   100 * (retries + 1) <= retry_percent * requests + 100 * reserve
//   reserve = floor(min_retries_per_second * window_us / 1 s)
//
// where `requests` are logical calls (first attempts) and `retries` the retries allowed, both
// counted inside the window. So when many sessions fail at once, at most retry_percent% extra
// load (plus the small reserve that lets a quiet provider retry at all) reaches the provider.
//
// The window is `buckets` equal slots of window_us / buckets µs: a count made at time t lands in
// slot floor(t / slot); the window at t holds the current slot and the buckets - 1 before it.
// Integer arithmetic only, so the decisions are exact and the same everywhere.
// REQUIRES: the times passed in never decrease (one virtual clock). Not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "core/ports/clock.h"

namespace agentsim {

struct RetryBudgetOptions {
  int retry_percent = 20;           // retries per 100 requests (Finagle's percentCanRetry 0.2)
  int min_retries_per_second = 10;  // the reserve (Finagle's minRetriesPerSec)
  Micros window_us = 10 * kMicrosPerSecond;  // Finagle's ttl
  int buckets = 10;                 // slots of the sliding window (>= 1)
};

class RetryBudget {
 public:
  struct Stats {
    std::uint64_t requests = 0;         // RecordRequest calls
    std::uint64_t retries_allowed = 0;  // TryRetry calls that returned true
    std::uint64_t retries_refused = 0;  // TryRetry calls that returned false
  };

  explicit RetryBudget(RetryBudgetOptions options = {});

  // Counts one logical call (its first attempt) at `now_us`.
  void RecordRequest(Micros now_us);
  // True, and the retry is counted, when one more retry at `now_us` fits the budget.
  bool TryRetry(Micros now_us);
  // Retries that would still be allowed at `now_us` (>= 0).
  std::int64_t Available(Micros now_us);

  const RetryBudgetOptions& options() const { return options_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Slot {
    std::int64_t bucket = -1;  // bucket number the counts belong to
    std::int64_t requests = 0;
    std::int64_t retries = 0;
  };
  Slot& SlotAt(Micros now_us);
  // Sums over the window ending at `now_us`.
  void Totals(Micros now_us, std::int64_t* requests, std::int64_t* retries) const;

  RetryBudgetOptions options_;
  Micros slot_us_;
  std::int64_t reserve_;
  std::vector<Slot> slots_;
  Stats stats_;
};

}  // namespace agentsim
