// TimerQueue: the event loop's priority queue of coroutine resumptions, ordered by (time µs,
// sequence number) exactly, like a heap of those pairs would pop them.
//
// Two parts, and the earlier of their two fronts is the queue's front:
//  - a timer wheel for the near future: kWheelSlots slots of 1 µs covering [base, base +
//    kWheelSlots), base being the time of the last popped entry (every queued entry is >= it).
//    A slot holds the entries of one instant as a FIFO list; sequence numbers only grow, so a
//    slot's list is in (time, seq) order. A bitmap of non-empty slots (two levels) finds the
//    first one in a few instructions. Push and pop are O(1) with no compares.
//  - a 4-ary min-heap for everything else (further than the wheel's reach, or before base).
//    An entry of time t in the heap may have a lower sequence number than an entry of time t in
//    the wheel (pushed before t came within reach), so the fronts compare as (time, seq).
//
// Thread rules: not thread-safe. Sizes: 24 bytes per entry plus 32 KiB of wheel slots (allocated
// on first use).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace agentsim {

class TimerQueue {
 public:
  struct Entry {
    std::uint64_t at_us;
    std::uint64_t seq;
    void* handle;  // std::coroutine_handle<>::address()
  };
  static constexpr std::uint64_t kWheelSlots = 4096;  // µs; a power of two, <= 64 * 64

  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  bool empty() const { return wheel_size_ == 0 && heap_.empty(); }
  std::size_t size() const { return wheel_size_ + heap_.size(); }

  // Queues an entry. REQUIRES: `seq` is greater than every sequence number pushed before
  // (since the last Clear); any time is accepted.
  void Push(std::uint64_t at_us, std::uint64_t seq, void* handle) {
    if (at_us - base_us_ < kWheelSlots && free_ != kNil) [[likely]] {  // unsigned: false if before
      PushWheel(at_us, seq, handle);
    } else {
      PushSlow(at_us, seq, handle);
    }
  }
  // The earliest entry's time. REQUIRES: !empty().
  std::uint64_t FrontTime() const;
  // Removes and returns the earliest entry. REQUIRES: !empty().
  Entry PopFront();
  // The handle of the entry most likely to be popped next (a prefetch hint; nullptr if none):
  // the next one at the last popped instant, if any.
  void* NextHandleHint() const { return hint_; }
  void Clear();

 private:
  static constexpr std::uint32_t kNil = 0xffffffffu;
  static constexpr std::uint64_t kMask = kWheelSlots - 1;
  static constexpr std::size_t kWords = kWheelSlots / 64;
  static_assert((kWheelSlots & kMask) == 0 && kWords >= 1 && kWords <= 64);

  __extension__ typedef unsigned __int128 Key;  // GCC/Clang builtin; -Wpedantic-clean
  static bool Earlier(const Entry& a, const Entry& b) {
    return ((static_cast<Key>(a.at_us) << 64) | a.seq) <
           ((static_cast<Key>(b.at_us) << 64) | b.seq);
  }

  // 4-ary min-heap (half the levels of a binary heap). Pop is Floyd's: the hole walks down to a
  // leaf taking the earliest child, then the last element sifts up from there.
  class Heap {
   public:
    bool empty() const { return v_.empty(); }
    std::size_t size() const { return v_.size(); }
    const Entry& top() const { return v_.front(); }
    void Push(Entry e);
    void Pop();
    void clear() { v_.clear(); }

   private:
    void SiftUp(std::size_t i, Entry e);
    std::vector<Entry> v_;
  };

  struct Node {
    void* handle;
    std::uint64_t seq;
    std::uint32_t next;
  };
  struct Slot {
    std::uint32_t head;
    std::uint32_t tail;
  };

  // REQUIRES: at_us in [base_us_, base_us_ + kWheelSlots) and a free node.
  void PushWheel(std::uint64_t at_us, std::uint64_t seq, void* handle);
  // Out of line: to the heap, or first grows the free list (and allocates the slots).
  void PushSlow(std::uint64_t at_us, std::uint64_t seq, void* handle);
  Entry PopHeap();  // out of line
  // First non-empty slot at or after base_us_'s slot, wrapping. REQUIRES: wheel_size_ > 0.
  std::uint64_t FirstSlot() const;
  std::uint64_t SlotTime(std::uint64_t slot) const {
    return base_us_ + ((slot - base_us_) & kMask);
  }

  std::uint64_t base_us_ = 0;  // time of the last popped entry; all entries are >= it
  std::size_t wheel_size_ = 0;
  std::uint64_t summary_ = 0;                // bit w: words_[w] != 0
  std::uint64_t words_[kWords] = {};         // bit s % 64 of word s / 64: slot s is non-empty
  std::unique_ptr<Slot[]> slots_;            // valid where the bitmap says non-empty
  std::vector<Node> nodes_;                  // wheel entries and free nodes
  std::uint32_t free_ = kNil;                // free list through Node::next
  void* hint_ = nullptr;
  Heap heap_;
};

// The hot paths are inline: the event loop runs one push and one pop per event.

inline void TimerQueue::PushWheel(std::uint64_t at_us, std::uint64_t seq, void* handle) {
  Node* nodes = nodes_.data();
  const std::uint32_t n = free_;
  free_ = nodes[n].next;
  nodes[n] = Node{handle, seq, kNil};
  const std::uint64_t s = at_us & kMask;
  std::uint64_t& word = words_[s / 64];
  const std::uint64_t bit = std::uint64_t{1} << (s % 64);
  Slot& slot = slots_[s];
  if (word & bit) {
    nodes[slot.tail].next = n;
    slot.tail = n;
  } else {
    slot.head = n;
    slot.tail = n;
    word |= bit;
    summary_ |= std::uint64_t{1} << (s / 64);
  }
  ++wheel_size_;
}

inline std::uint64_t TimerQueue::FirstSlot() const {
  const std::uint64_t from = base_us_ & kMask;
  const std::uint64_t w = from / 64;
  const std::uint64_t here = words_[w] & (~std::uint64_t{0} << (from % 64));
  if (here != 0) return w * 64 + static_cast<std::uint64_t>(__builtin_ctzll(here));
  // Words after w, then (wrapping) the lowest non-empty word: its slots are all before `from`
  // in the ring (word w's bits at or after `from` are empty).
  std::uint64_t later = w + 1 < 64 ? summary_ & (~std::uint64_t{0} << (w + 1)) : 0;
  if (later == 0) later = summary_;
  const auto ww = static_cast<std::uint64_t>(__builtin_ctzll(later));
  return ww * 64 + static_cast<std::uint64_t>(__builtin_ctzll(words_[ww]));
}

inline std::uint64_t TimerQueue::FrontTime() const {
  if (wheel_size_ == 0) return heap_.top().at_us;
  const std::uint64_t t = SlotTime(FirstSlot());
  return heap_.empty() || t <= heap_.top().at_us ? t : heap_.top().at_us;
}

inline TimerQueue::Entry TimerQueue::PopFront() {
  if (wheel_size_ != 0) {
    const std::uint64_t s = FirstSlot();
    Slot& slot = slots_[s];
    Node* nodes = nodes_.data();
    const std::uint32_t n = slot.head;
    const Node node = nodes[n];
    const Entry e{SlotTime(s), node.seq, node.handle};
    if (heap_.empty() || Earlier(e, heap_.top())) [[likely]] {
      slot.head = node.next;
      if (node.next == kNil) {
        hint_ = nullptr;
        std::uint64_t& word = words_[s / 64];
        word &= ~(std::uint64_t{1} << (s % 64));
        if (word == 0) summary_ &= ~(std::uint64_t{1} << (s / 64));
      } else {
        hint_ = nodes[node.next].handle;
      }
      nodes[n].next = free_;
      free_ = n;
      --wheel_size_;
      base_us_ = e.at_us;
      return e;
    }
  }
  return PopHeap();
}

}  // namespace agentsim
