#include "core/async/timer_queue.h"

namespace agentsim {

void TimerQueue::Heap::SiftUp(std::size_t i, Entry e) {
  Entry* v = v_.data();
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!Earlier(e, v[parent])) break;
    v[i] = v[parent];
    i = parent;
  }
  v[i] = e;
}

void TimerQueue::Heap::Push(Entry e) {
  v_.push_back(e);
  SiftUp(v_.size() - 1, e);
}

void TimerQueue::Heap::Pop() {
  const Entry last = v_.back();
  v_.pop_back();
  const std::size_t n = v_.size();
  if (n == 0) return;
  Entry* v = v_.data();
  std::size_t i = 0;
  std::size_t first = 1;
  // Full groups of four children: the earliest in two rounds of independent compares.
  while (first + 4 <= n) {
    const std::size_t a = first + (Earlier(v[first + 1], v[first]) ? 1 : 0);
    const std::size_t b = first + 2 + (Earlier(v[first + 3], v[first + 2]) ? 1 : 0);
    const std::size_t best = Earlier(v[b], v[a]) ? b : a;
    v[i] = v[best];
    i = best;
    first = 4 * i + 1;
  }
  if (first < n) {  // a last, partial group at the bottom
    std::size_t best = first;
    for (std::size_t c = first + 1; c < n; ++c) {
      if (Earlier(v[c], v[best])) best = c;
    }
    v[i] = v[best];
    i = best;
  }
  SiftUp(i, last);
}

void TimerQueue::PushSlow(std::uint64_t at_us, std::uint64_t seq, void* handle) {
  if (at_us - base_us_ >= kWheelSlots) {
    heap_.Push(Entry{at_us, seq, handle});
    return;
  }
  // No free node: allocate the slots on first use, grow the nodes by half (at least 64).
  if (!slots_) slots_ = std::make_unique_for_overwrite<Slot[]>(kWheelSlots);
  const std::size_t old_size = nodes_.size();
  const std::size_t grow = old_size / 2 > 64 ? old_size / 2 : 64;
  nodes_.resize(old_size + grow);
  for (std::size_t i = old_size + grow; i-- > old_size;) {
    nodes_[i].next = free_;
    free_ = static_cast<std::uint32_t>(i);
  }
  PushWheel(at_us, seq, handle);
}

TimerQueue::Entry TimerQueue::PopHeap() {
  const Entry e = heap_.top();
  heap_.Pop();
  if (e.at_us > base_us_) base_us_ = e.at_us;
  hint_ = heap_.empty() ? nullptr : heap_.top().handle;
  return e;
}

void TimerQueue::Clear() {
  heap_.clear();
  nodes_.clear();
  free_ = kNil;
  hint_ = nullptr;
  wheel_size_ = 0;
  summary_ = 0;
  for (std::uint64_t& w : words_) w = 0;
}

}  // namespace agentsim
