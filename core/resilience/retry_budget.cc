#include "core/resilience/retry_budget.h"

#include <algorithm>

namespace agentsim {

RetryBudget::RetryBudget(RetryBudgetOptions options)
    : options_(options),
      slot_us_(std::max<Micros>(1, options.window_us / std::max(1, options.buckets))),
      reserve_(static_cast<std::int64_t>(std::max(0, options.min_retries_per_second)) *
               std::max<Micros>(0, options.window_us) / kMicrosPerSecond),
      slots_(static_cast<std::size_t>(std::max(1, options.buckets))) {}

RetryBudget::Slot& RetryBudget::SlotAt(Micros now_us) {
  const std::int64_t bucket = std::max<Micros>(0, now_us) / slot_us_;
  Slot& slot = slots_[static_cast<std::size_t>(bucket % static_cast<std::int64_t>(slots_.size()))];
  if (slot.bucket != bucket) slot = Slot{bucket, 0, 0};
  return slot;
}

void RetryBudget::Totals(Micros now_us, std::int64_t* requests, std::int64_t* retries) const {
  const std::int64_t bucket = std::max<Micros>(0, now_us) / slot_us_;
  const auto n = static_cast<std::int64_t>(slots_.size());
  *requests = 0;
  *retries = 0;
  for (const Slot& slot : slots_) {
    if (slot.bucket > bucket - n && slot.bucket <= bucket) {
      *requests += slot.requests;
      *retries += slot.retries;
    }
  }
}

void RetryBudget::RecordRequest(Micros now_us) {
  ++SlotAt(now_us).requests;
  ++stats_.requests;
}

std::int64_t RetryBudget::Available(Micros now_us) {
  std::int64_t requests = 0;
  std::int64_t retries = 0;
  Totals(now_us, &requests, &retries);
  const std::int64_t allowance =
      (static_cast<std::int64_t>(std::max(0, options_.retry_percent)) * requests) / 100 + reserve_;
  return std::max<std::int64_t>(0, allowance - retries);
}

bool RetryBudget::TryRetry(Micros now_us) {
  std::int64_t requests = 0;
  std::int64_t retries = 0;
  Totals(now_us, &requests, &retries);
  const std::int64_t percent = std::max(0, options_.retry_percent);
  if (100 * (retries + 1) > percent * requests + 100 * reserve_) {
    ++stats_.retries_refused;
    return false;
  }
  ++SlotAt(now_us).retries;
  ++stats_.retries_allowed;
  return true;
}

}  // namespace agentsim
