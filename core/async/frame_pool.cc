#include "core/async/frame_pool.h"

namespace agentsim::detail {

constinit thread_local FramePool::Lists FramePool::lists_{};

// Frees the thread's cached blocks when the thread exits (for the main thread: before the
// destructors of static objects, which may still free frames: those go to operator delete).
struct FramePoolExit {
  ~FramePoolExit() { FramePool::ReleaseAll(); }
};

void FramePool::DeallocateSlow(void* block, std::size_t c) noexcept {
  Lists& l = lists_;
  if (!l.registered && !l.exited) {
    static thread_local FramePoolExit exit_handler;
    l.registered = true;
    if (l.cached_bytes + BlockBytes(c) <= kMaxCachedBytes) {
      *static_cast<void**>(block) = l.head[c];
      l.head[c] = block;
      l.cached_bytes += BlockBytes(c);
      return;
    }
  }
  ::operator delete(block);
}

void FramePool::ReleaseAll() noexcept {
  Lists& l = lists_;
  for (void*& head : l.head) {
    while (head != nullptr) {
      void* next = *static_cast<void**>(head);
      ::operator delete(head);
      head = next;
    }
  }
  l.cached_bytes = 0;
  l.registered = false;
  l.exited = true;
}

}  // namespace agentsim::detail
