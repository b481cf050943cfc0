#include "core/util/huge_page_allocator.h"

#include <sys/mman.h>

#include <cstdint>

namespace agentsim::huge_page {

namespace {

std::size_t RoundUp(std::size_t bytes) {
  return (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
}

}  // namespace

void* Allocate(std::size_t bytes) {
  if (bytes < kHugePageBytes) return ::operator new(bytes);
  const std::size_t size = RoundUp(bytes);
  if (size < bytes) throw std::bad_alloc();  // wrapped around
  // A 2 MiB-aligned range: map one huge page more and unmap the unaligned head and tail, so
  // that every 2 MiB of the block can be one huge page.
  const std::size_t mapped = size + kHugePageBytes;
  void* raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  if (const std::size_t head = aligned - start; head != 0) munmap(raw, head);
  if (const std::size_t tail = kHugePageBytes - (aligned - start); tail != 0) {
    munmap(reinterpret_cast<void*>(aligned + size), tail);
  }
  void* block = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  // Advice only: an error (a kernel without transparent huge pages) leaves 4 KiB pages.
  madvise(block, size, MADV_HUGEPAGE);
#endif
  return block;
}

void Deallocate(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  if (bytes < kHugePageBytes) {
    ::operator delete(block, bytes);
    return;
  }
  munmap(block, RoundUp(bytes));
}

}  // namespace agentsim::huge_page
