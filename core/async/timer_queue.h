// TimerQueue: the event loop's priority queue of coroutine resumptions, ordered by (time µs,
// sequence number) exactly, like a heap of those pairs would pop them.
//
// Three parts; the queue's front is the earliest (time, seq) of their fronts:
//  - a timer wheel for the near future (the "ring"): kWheelSlots slots of 1 µs holding every
//    entry of [base, horizon), base being the time of the last popped entry and horizon - base
//    <= kWheelSlots. A slot holds the entries of one instant as a FIFO list; sequence numbers
//    only grow, so a slot's list is in (time, seq) order. A bitmap of non-empty slots (two
//    levels) finds the first one in a few instructions. Push and pop are O(1) with no compares.
//  - a second wheel (the "far wheel") for [horizon, horizon + kFarSpanUs): kFarSlots blocks of
//    kBlockUs µs, each a FIFO list in push (so seq) order. When the ring is empty, the first
//    non-empty block and the one after it move into the ring in list order (the ring's
//    horizon moves to the end of the second one), so an instant's entries stay in seq order:
//    nothing of a block is pushed into the ring before the block itself moves there.
//    Latencies of milliseconds to seconds (an LLM's first token, a TTS stream, a store call)
//    go here: O(1) per push and per move, instead of a heap's O(log n) compares.
//  - a 4-ary min-heap for everything else (further than the far wheel's reach, or before base).
//    An entry of time t in the heap may have a lower sequence number than an entry of time t in
//    a wheel (pushed before t came within reach), so the fronts compare as (time, seq).
//
// Thread rules: not thread-safe. Sizes: 24 bytes per entry plus 64 KiB of wheel slots (allocated
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
  static constexpr std::uint64_t kBlockUs = kWheelSlots / 2;  // the far wheel's slot
  static constexpr std::uint64_t kFarSlots = 4096;            // a power of two, <= 64 * 64
  static constexpr std::uint64_t kFarSpanUs = kFarSlots * kBlockUs;  // 8.4 s

  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  bool empty() const { return wheel_size_ == 0 && far_size_ == 0 && heap_.empty(); }
  std::size_t size() const { return wheel_size_ + far_size_ + heap_.size(); }

  // Queues an entry. REQUIRES: `seq` is greater than every sequence number pushed before
  // (since the last Clear); any time is accepted.
  void Push(std::uint64_t at_us, std::uint64_t seq, void* handle) {
    // Unsigned: false for a time before base.
    if (at_us - base_us_ < horizon_us_ - base_us_ && free_ != kNil) [[likely]] {
      PushWheel(at_us, AllocateNode(handle, seq, 0));
    } else {
      PushSlow(at_us, seq, handle);
    }
  }
  // The earliest entry's time. REQUIRES: !empty(). Not const: it may move the far wheel's
  // first blocks into the ring (which changes no entry's order).
  std::uint64_t FrontTime();
  // Removes and returns the earliest entry. REQUIRES: !empty().
  Entry PopFront();
  // The handle of the entry most likely to be popped next (a prefetch hint; nullptr if none):
  // the next one at the last popped instant, if any.
  void* NextHandleHint() const { return hint_; }
  void Clear();

 private:
  static constexpr std::uint32_t kNil = 0xffffffffu;
  static constexpr std::uint64_t kMask = kWheelSlots - 1;
  static_assert((kWheelSlots & kMask) == 0 && (kFarSlots & (kFarSlots - 1)) == 0);

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

  // An entry of either wheel. `offset`: a far wheel entry's time minus its block's start.
  struct Node {
    void* handle;
    std::uint64_t seq;
    std::uint32_t next;
    std::uint32_t offset;
  };
  struct Slot {
    std::uint32_t head;
    std::uint32_t tail;
  };

  // Which of 4,096 slots are non-empty, in two levels (bit s % 64 of word s / 64; bit w of
  // summary: word w is non-zero).
  struct Bitmap {
    std::uint64_t summary = 0;
    std::uint64_t words[64] = {};
    bool Test(std::uint64_t s) const { return (words[s / 64] >> (s % 64)) & 1; }
    void Set(std::uint64_t s) {
      words[s / 64] |= std::uint64_t{1} << (s % 64);
      summary |= std::uint64_t{1} << (s / 64);
    }
    void Reset(std::uint64_t s) {
      std::uint64_t& word = words[s / 64];
      word &= ~(std::uint64_t{1} << (s % 64));
      if (word == 0) summary &= ~(std::uint64_t{1} << (s / 64));
    }
    // The first set bit at or after `from` (< 4096), wrapping. REQUIRES: summary != 0.
    std::uint64_t FirstFrom(std::uint64_t from) const;
  };
  static_assert(kWheelSlots == 4096 && kFarSlots == 4096, "Bitmap covers 4,096 slots");

  // Takes a node off the free list. REQUIRES: free_ != kNil.
  std::uint32_t AllocateNode(void* handle, std::uint64_t seq, std::uint32_t offset) {
    Node* nodes = nodes_.data();
    const std::uint32_t n = free_;
    free_ = nodes[n].next;
    nodes[n] = Node{handle, seq, kNil, offset};
    return n;
  }
  // Appends node `n` to slot `s`'s list (`bits` marks the non-empty slots of its wheel).
  void Append(Slot& slot, Bitmap& bits, std::uint64_t s, std::uint32_t n);
  // Appends node `n` to the ring's slot of `at_us`. REQUIRES: at_us in [base_us_, horizon_us_).
  void PushWheel(std::uint64_t at_us, std::uint32_t n);
  // Out of line: to the far wheel or the heap, or first grows the free list (and allocates the
  // slots).
  void PushSlow(std::uint64_t at_us, std::uint64_t seq, void* handle);
  // With the ring empty and the far wheel not: moves its first block and the next into the
  // ring, unless the heap's front is earlier than that block. Returns whether it moved them.
  bool RefillRing();
  Entry PopHeap();  // out of line
  // First non-empty slot at or after base_us_'s slot, wrapping. REQUIRES: wheel_size_ > 0.
  std::uint64_t FirstSlot() const { return ring_bits_.FirstFrom(base_us_ & kMask); }
  std::uint64_t SlotTime(std::uint64_t slot) const {
    return base_us_ + ((slot - base_us_) & kMask);
  }

  // Ring entries are in [base_us_, horizon_us_); far wheel entries in [horizon_us_,
  // horizon_us_ + kFarSpanUs); horizon_us_ is a multiple of kBlockUs and base_us_ <=
  // horizon_us_ <= base_us_ + kWheelSlots.
  std::uint64_t base_us_ = 0;  // time of the last popped entry (or of a refilled block's start)
  std::uint64_t horizon_us_ = kWheelSlots;
  std::size_t wheel_size_ = 0;
  std::size_t far_size_ = 0;
  Bitmap ring_bits_;
  Bitmap far_bits_;
  std::unique_ptr<Slot[]> slots_;      // the ring's, then the far wheel's (kFarSlots) slots;
                                       // valid where a bitmap says non-empty
  std::vector<Node> nodes_;            // entries of both wheels and free nodes
  std::uint32_t free_ = kNil;          // free list through Node::next
  void* hint_ = nullptr;
  Heap heap_;
};

// The hot paths are inline: the event loop runs one push and one pop per event.

inline void TimerQueue::Append(Slot& slot, Bitmap& bits, std::uint64_t s, std::uint32_t n) {
  if (bits.Test(s)) {
    nodes_[slot.tail].next = n;
    slot.tail = n;
  } else {
    slot.head = n;
    slot.tail = n;
    bits.Set(s);
  }
}

inline void TimerQueue::PushWheel(std::uint64_t at_us, std::uint32_t n) {
  const std::uint64_t s = at_us & kMask;
  Append(slots_[s], ring_bits_, s, n);
  ++wheel_size_;
}

inline std::uint64_t TimerQueue::Bitmap::FirstFrom(std::uint64_t from) const {
  const std::uint64_t w = from / 64;
  const std::uint64_t here = words[w] & (~std::uint64_t{0} << (from % 64));
  if (here != 0) return w * 64 + static_cast<std::uint64_t>(__builtin_ctzll(here));
  // Words after w, then (wrapping) the lowest non-empty word: its slots are all before `from`
  // in the ring (word w's bits at or after `from` are empty).
  std::uint64_t later = w + 1 < 64 ? summary & (~std::uint64_t{0} << (w + 1)) : 0;
  if (later == 0) later = summary;
  const auto ww = static_cast<std::uint64_t>(__builtin_ctzll(later));
  return ww * 64 + static_cast<std::uint64_t>(__builtin_ctzll(words[ww]));
}

inline std::uint64_t TimerQueue::FrontTime() {
  if (wheel_size_ == 0 && (far_size_ == 0 || !RefillRing())) return heap_.top().at_us;
  const std::uint64_t t = SlotTime(FirstSlot());
  return heap_.empty() || t <= heap_.top().at_us ? t : heap_.top().at_us;
}

inline TimerQueue::Entry TimerQueue::PopFront() {
  if (wheel_size_ != 0 || (far_size_ != 0 && RefillRing())) {
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
        ring_bits_.Reset(s);
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
