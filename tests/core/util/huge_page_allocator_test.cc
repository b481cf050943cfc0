#include "core/util/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace agentsim {
namespace {

using huge_page::kHugePageBytes;

// The mapping of /proc/self/smaps that holds `address`: its range and its VmFlags line.
struct Mapping {
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
  std::string flags;
};
Mapping MappingOf(const void* address) {
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  Mapping current;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
    char dash = 0;
    std::istringstream fields(line);
    if (fields >> std::hex >> start >> dash >> end && dash == '-') {
      inside = a >= start && a < end;
      if (inside) current = Mapping{start, end, ""};
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      current.flags = line;
      return current;
    }
  }
  return Mapping{};
}

// Sizes below 2 MiB come from operator new; from 2 MiB on, whole 2 MiB-aligned huge pages,
// advised MADV_HUGEPAGE ("hg" in smaps' VmFlags) where the kernel has transparent huge pages.
TEST(HugePageAllocatorTest, MapsWholeAlignedHugePagesFromTwoMebibytes) {
  const bool kernel_has_thp = std::filesystem::exists("/sys/kernel/mm/transparent_hugepage");
  struct Case {
    std::size_t bytes;
    bool mapped;                // a huge-page mapping (else operator new)
    std::size_t mapped_bytes;   // its length
  };
  const Case cases[] = {
      {1, false, 0},
      {4096, false, 0},
      {kHugePageBytes - 1, false, 0},
      {kHugePageBytes, true, kHugePageBytes},
      {kHugePageBytes + 1, true, 2 * kHugePageBytes},
      {3 * kHugePageBytes + 5, true, 4 * kHugePageBytes},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.bytes);
    void* block = huge_page::Allocate(c.bytes);
    ASSERT_NE(block, nullptr);
    const auto address = reinterpret_cast<std::uintptr_t>(block);
    EXPECT_EQ(address % __STDCPP_DEFAULT_NEW_ALIGNMENT__, 0u);
    std::memset(block, 0xA5, c.bytes);  // every byte is writable
    EXPECT_EQ(static_cast<unsigned char*>(block)[c.bytes - 1], 0xA5);
    if (c.mapped) {
      EXPECT_EQ(address % kHugePageBytes, 0u);
      const Mapping mapping = MappingOf(block);
      EXPECT_EQ(mapping.start, address);
      EXPECT_EQ(mapping.end, address + c.mapped_bytes);
      if (kernel_has_thp) {
        EXPECT_NE(mapping.flags.find(" hg"), std::string::npos) << mapping.flags;
      }
    }
    huge_page::Deallocate(block, c.bytes);
  }
  huge_page::Deallocate(nullptr, kHugePageBytes);  // no effect, as operator delete(nullptr)
}

// A vector grown through the 2 MiB boundary (operator new, then mappings) keeps its values.
TEST(HugePageAllocatorTest, VectorGrowsAcrossTheBoundary) {
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> values;
  const auto count = static_cast<std::uint32_t>(3 * kHugePageBytes / sizeof(std::uint32_t) + 7);
  for (std::uint32_t i = 0; i < count; ++i) values.push_back(i * 2654435761u);
  ASSERT_EQ(values.size(), count);
  EXPECT_GE(values.capacity() * sizeof(std::uint32_t), 3 * kHugePageBytes);
  for (std::uint32_t i = 0; i < count; ++i) ASSERT_EQ(values[i], i * 2654435761u) << i;
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> copy = values;
  EXPECT_EQ(copy, values);
}

TEST(HugePageAllocatorTest, RefusesSizesBeyondTheAddressSpace) {
  HugePageAllocator<std::uint64_t> allocator;
  EXPECT_THROW(allocator.allocate(static_cast<std::size_t>(-1) / 4), std::bad_array_new_length);
  EXPECT_THROW(huge_page::Allocate(static_cast<std::size_t>(-1) - 5), std::bad_alloc);
  EXPECT_THROW(huge_page::Allocate(std::size_t{1} << 62), std::bad_alloc);
}

}  // namespace
}  // namespace agentsim
