// HugePageAllocator<T>: a standard allocator for the few large, growing buffers of a run (the
// report writer's 65,536-turn row batches, ~20 MB; the summary's latency samples, 8 B a turn).
// Blocks of at least kHugePageBytes (2 MiB) are anonymous mappings of whole 2 MiB pages,
// 2 MiB-aligned and advised MADV_HUGEPAGE, so that where the kernel's transparent huge pages are
// enabled ("always" or "madvise", Debian's default being "madvise") one page fault maps 2 MiB
// instead of 512 faults mapping 4 KiB each. The memory is the same either way: first touch
// still decides what is resident, and without huge pages (or off Linux) the advice is a no-op.
// Smaller blocks come from operator new.
//
// Why: each first touch of a 4 KiB page is a kernel page fault (~1-6 µs on the VMs measured,
// most of the run's system time); the interview load's batches and samples were ~9,000 of its
// ~11,600 faults (docs/performance.md, tenth round). glibc's own switch for its heap
// (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) is read only at process start-up.
//
// Errors: allocate throws std::bad_alloc when the mapping fails, as std::allocator does.
#pragma once

#include <cstddef>
#include <new>

namespace agentsim {

namespace huge_page {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// `bytes` of storage aligned for any fundamental type: a huge-page mapping for bytes >=
// kHugePageBytes (rounded up to whole huge pages), operator new below. Throws std::bad_alloc.
void* Allocate(std::size_t bytes);
// Frees what Allocate(bytes) returned, with the same `bytes`.
void Deallocate(void* block, std::size_t bytes) noexcept;

}  // namespace huge_page

template <class T>
struct HugePageAllocator {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  using value_type = T;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(huge_page::Allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { huge_page::Deallocate(p, n * sizeof(T)); }

  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace agentsim
