#include "core/async/frame_pool.h"

#include <malloc.h>

#include <cstddef>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "core/async/task.h"

namespace agentsim::detail {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooled = false;
#else
constexpr bool kPooled = true;
#endif

// Each test runs on a thread of its own, so it starts with empty lists whatever ran before.
template <typename F>
void OnFreshThread(F f) {
  std::thread t(f);
  t.join();
}

struct ClassCase {
  std::size_t first;
  std::size_t second;
  bool same_block;  // the second allocation reuses the first's block
};

void PrintTo(const ClassCase& c, std::ostream* os) {
  *os << c.first << " then " << c.second;
}

class FramePoolClassTest : public ::testing::TestWithParam<ClassCase> {};

// Class c holds (16c - 8, 16c + 8] bytes, glibc's chunk sizes: 328 is in (312, 328].
INSTANTIATE_TEST_SUITE_P(Sizes, FramePoolClassTest,
                         ::testing::Values(ClassCase{328, 328, true}, ClassCase{328, 313, true},
                                           ClassCase{328, 312, false}, ClassCase{328, 329, false},
                                           ClassCase{328, 336, false}, ClassCase{1, 8, true},
                                           ClassCase{8, 9, false}, ClassCase{2048, 2041, true},
                                           ClassCase{2048, 2040, false}));

TEST_P(FramePoolClassTest, ReusesABlockOnlyWithinItsSizeClass) {
  if (!kPooled) GTEST_SKIP() << "AddressSanitizer build: frames bypass the pool";
  const ClassCase c = GetParam();
  OnFreshThread([c] {
    void* a = FramePool::Allocate(c.first);
    FramePool::Deallocate(a, c.first);
    void* b = FramePool::Allocate(c.second);
    EXPECT_EQ(a == b, c.same_block);
    FramePool::Deallocate(b, c.second);
  });
}

TEST(FramePoolTest, ABlockIsAsLargeAsMallocWouldMakeTheFrame) {
  if (!kPooled) GTEST_SKIP() << "AddressSanitizer build: frames bypass the pool";
  OnFreshThread([] {
    for (std::size_t bytes : {1u, 24u, 25u, 40u, 328u, 776u, 1320u, 2048u}) {
      void* block = FramePool::Allocate(bytes);
      void* plain = ::operator new(bytes);
      EXPECT_EQ(malloc_usable_size(block), malloc_usable_size(plain)) << bytes;
      ::operator delete(plain);
      FramePool::Deallocate(block, bytes);
    }
  });
}

TEST(FramePoolTest, CachesAtMostItsByteBudgetAndReusesLastFreedFirst) {
  if (!kPooled) GTEST_SKIP() << "AddressSanitizer build: frames bypass the pool";
  OnFreshThread([] {
    constexpr std::size_t kBytes = 1000;  // class 62: (984, 1,000], 1,000-byte blocks
    constexpr std::size_t kBlock = 1000;
    constexpr std::size_t kFit = FramePool::kMaxCachedBytes / kBlock;  // 65
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < kFit + 5; ++i) blocks.push_back(FramePool::Allocate(kBytes));
    EXPECT_EQ(FramePool::CachedBytes(), 0u);
    for (void* b : blocks) FramePool::Deallocate(b, kBytes);
    EXPECT_EQ(FramePool::CachedBytes(), kFit * kBlock);
    // The list is last in, first out: the last block cached comes back first.
    void* again = FramePool::Allocate(kBytes);
    EXPECT_EQ(again, blocks[kFit - 1]);
    EXPECT_EQ(FramePool::CachedBytes(), (kFit - 1) * kBlock);
    FramePool::Deallocate(again, kBytes);
  });
}

TEST(FramePoolTest, LargeFramesAreNotCached) {
  OnFreshThread([] {
    void* big = FramePool::Allocate(FramePool::kMaxPooledBytes + 1);
    FramePool::Deallocate(big, FramePool::kMaxPooledBytes + 1);
    EXPECT_EQ(FramePool::CachedBytes(), 0u);
  });
}

TEST(FramePoolTest, ThreadsKeepTheirOwnLists) {
  if (!kPooled) GTEST_SKIP() << "AddressSanitizer build: frames bypass the pool";
  OnFreshThread([] {
    void* a = FramePool::Allocate(100);
    FramePool::Deallocate(a, 100);
    EXPECT_EQ(FramePool::CachedBytes(), 104u);
    std::thread other([] { EXPECT_EQ(FramePool::CachedBytes(), 0u); });
    other.join();
  });
}

Task<int> Add(int a, int b) { co_return a + b; }
Task<int> Sum(int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) total += co_await Add(i, 1);
  co_return total;
}

TEST(FramePoolTest, TaskFramesComeBackToThePool) {
  OnFreshThread([] {
    EventLoop loop;
    int result = 0;
    loop.Spawn([](int* out) -> Task<void> { *out = co_await Sum(100); }(&result), "sum");
    loop.Run();
    EXPECT_EQ(result, 5050);
    // Add's, Sum's, the spawned lambda's and the root's frames, each cached once freed.
    if (kPooled) {
      EXPECT_GT(FramePool::CachedBytes(), 0u);
    } else {
      EXPECT_EQ(FramePool::CachedBytes(), 0u);
    }
  });
}

}  // namespace
}  // namespace agentsim::detail
