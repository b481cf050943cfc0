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
  const bool in_ring = at_us - base_us_ < horizon_us_ - base_us_;  // unsigned: false if before
  const bool in_far = !in_ring && at_us - horizon_us_ < kFarSpanUs;
  if (!in_ring && !in_far) {
    heap_.Push(Entry{at_us, seq, handle});
    return;
  }
  if (free_ == kNil) {
    // Allocate the slots on first use, grow the nodes by half (at least 64).
    if (!slots_) slots_ = std::make_unique_for_overwrite<Slot[]>(kWheelSlots + kFarSlots);
    const std::size_t old_size = nodes_.size();
    const std::size_t grow = old_size / 2 > 64 ? old_size / 2 : 64;
    nodes_.resize(old_size + grow);
    for (std::size_t i = old_size + grow; i-- > old_size;) {
      nodes_[i].next = free_;
      free_ = static_cast<std::uint32_t>(i);
    }
  }
  if (in_ring) {
    PushWheel(at_us, AllocateNode(handle, seq, 0));
    return;
  }
  // The far wheel: block at_us / kBlockUs, appended to its slot's list.
  const std::uint32_t n =
      AllocateNode(handle, seq, static_cast<std::uint32_t>(at_us % kBlockUs));
  const std::uint64_t s = (at_us / kBlockUs) % kFarSlots;
  Append(slots_[kWheelSlots + s], far_bits_, s, n);
  ++far_size_;
}

bool TimerQueue::RefillRing() {
  // The first non-empty block at or after the horizon's (the far wheel's slots cover blocks
  // [horizon / kBlockUs, horizon / kBlockUs + kFarSlots), one each).
  const std::uint64_t horizon_block = horizon_us_ / kBlockUs;
  const std::uint64_t first = far_bits_.FirstFrom(horizon_block % kFarSlots);
  const std::uint64_t block = horizon_block + ((first - horizon_block) % kFarSlots);
  const std::uint64_t start = block * kBlockUs;
  // A heap entry before the block comes first; the block stays (the ring stays empty).
  if (!heap_.empty() && heap_.top().at_us < start) return false;
  // The ring is empty and base <= horizon <= start: the ring now covers [start, start + 2
  // blocks), and the block and the next one move in, in list (so seq) order.
  base_us_ = start;
  horizon_us_ = start + 2 * kBlockUs;
  for (std::uint64_t b = block; b < block + 2; ++b) {
    const std::uint64_t s = b % kFarSlots;
    if (!far_bits_.Test(s)) continue;
    far_bits_.Reset(s);
    std::uint32_t n = slots_[kWheelSlots + s].head;
    while (n != kNil) {
      const std::uint32_t next = nodes_[n].next;
      nodes_[n].next = kNil;
      PushWheel(b * kBlockUs + nodes_[n].offset, n);
      --far_size_;
      n = next;
    }
  }
  return true;
}

TimerQueue::Entry TimerQueue::PopHeap() {
  const Entry e = heap_.top();
  heap_.Pop();
  if (e.at_us > base_us_) {
    base_us_ = e.at_us;
    // Past the horizon only with the ring empty and the far wheel empty or all after this
    // entry's block: a new horizon at most a ring's width on, below every far entry.
    if (base_us_ >= horizon_us_) {
      horizon_us_ = (base_us_ / kBlockUs + (far_size_ == 0 ? 2 : 1)) * kBlockUs;
    }
  }
  hint_ = heap_.empty() ? nullptr : heap_.top().handle;
  return e;
}

void TimerQueue::Clear() {
  heap_.clear();
  nodes_.clear();
  free_ = kNil;
  hint_ = nullptr;
  wheel_size_ = 0;
  far_size_ = 0;
  ring_bits_ = Bitmap{};
  far_bits_ = Bitmap{};
}

}  // namespace agentsim
