// FramePool: where coroutine frames (Task, the event loop's roots, WhenAll's children) get their
// memory. A frame freed is kept on a per-thread free list of its size class and handed to the
// next frame of that class, so the steady state of a simulation (every turn creates and frees
// the same few frame sizes) costs a pointer pop and push instead of malloc and free.
//
// Size classes follow glibc malloc's chunk sizes: class c holds frames of (16c - 8, 16c + 8]
// bytes in a block of 16c + 8 bytes, the usable size malloc itself gives such a request, so a
// pooled frame takes no more memory than a malloc'd one. Frames over kMaxPooledBytes go straight
// to operator new. The free lists together keep at most kMaxCachedBytes per thread; a frame freed
// beyond that goes back to operator delete. Blocks cached by a thread are freed when it exits.
//
// Under AddressSanitizer every frame goes to operator new/delete, so a use after free of a frame
// is still reported.
//
// Thread rules: each thread has its own lists; a frame may be freed on another thread than the
// one that allocated it (its block then joins that thread's lists). Errors: allocation failure
// throws std::bad_alloc, as operator new does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

namespace agentsim::detail {

class FramePool {
 public:
  static constexpr std::size_t kMaxPooledBytes = 2048;
  static constexpr std::size_t kMaxCachedBytes = 64 * 1024;

  static void* Allocate(std::size_t bytes) {
#if !defined(__SANITIZE_ADDRESS__)
    if (bytes <= kMaxPooledBytes) [[likely]] {
      Lists& l = lists_;
      const std::size_t c = ClassOf(bytes);
      if (void* block = l.head[c]) [[likely]] {
        l.head[c] = *static_cast<void**>(block);
        l.cached_bytes -= BlockBytes(c);
        return block;
      }
      return ::operator new(BlockBytes(c));
    }
#endif
    return ::operator new(bytes);
  }

  // `bytes`: the size passed to Allocate.
  static void Deallocate(void* block, [[maybe_unused]] std::size_t bytes) noexcept {
#if !defined(__SANITIZE_ADDRESS__)
    if (bytes <= kMaxPooledBytes) [[likely]] {
      Lists& l = lists_;
      const std::size_t c = ClassOf(bytes);
      if (l.cached_bytes + BlockBytes(c) <= kMaxCachedBytes && l.registered) [[likely]] {
        *static_cast<void**>(block) = l.head[c];
        l.head[c] = block;
        l.cached_bytes += BlockBytes(c);
        return;
      }
      return DeallocateSlow(block, c);
    }
#endif
    ::operator delete(block);
  }

  // Blocks cached by the calling thread (for tests).
  static std::size_t CachedBytes() noexcept { return lists_.cached_bytes; }

 private:
  static constexpr std::size_t kClasses = (kMaxPooledBytes + 7) / 16 + 1;

  static constexpr std::size_t ClassOf(std::size_t bytes) { return (bytes + 7) / 16; }
  static constexpr std::size_t BlockBytes(std::size_t c) { return 16 * c + 8; }

  struct Lists {
    void* head[kClasses];
    std::size_t cached_bytes;
    // Set once the thread's exit handler is in place; cleared (and kept clear) by it.
    bool registered;
    bool exited;
  };

  // Out of line: registers the thread's exit handler on its first cached frame, or frees.
  static void DeallocateSlow(void* block, std::size_t c) noexcept;
  static void ReleaseAll() noexcept;
  friend struct FramePoolExit;

  static constinit thread_local Lists lists_;
};

// Frame allocation for a promise type: `struct P : PooledFrame { ... }`.
struct PooledFrame {
  static void* operator new(std::size_t bytes) { return FramePool::Allocate(bytes); }
  static void operator delete(void* block, std::size_t bytes) noexcept {
    FramePool::Deallocate(block, bytes);
  }
};

}  // namespace agentsim::detail
