// Eight bytes at a time (SWAR, "SIMD within a register"): tests whether any byte of a 64-bit
// word is a given value or below a bound, for the loops that skip ordinary bytes of JSON text
// (core/agent/json_fast_parse.cc, core/json/compact_json.cc). Each test is exact for "is there
// such a byte", and its lowest set bit marks the first such byte exactly (FirstMarkedByte; a
// borrow can mark a byte above a true one, never below), also for an OR of tests.
// Source: the has-zero-byte / has-less-than idioms of Sean Anderson's "Bit Twiddling Hacks".
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace agentsim::byte_scan {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// The eight bytes at `p` (any alignment).
inline std::uint64_t Load8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Non-zero when a byte of `w` is 0.
constexpr std::uint64_t HasZeroByte(std::uint64_t w) { return (w - kOnes) & ~w & kHighs; }
// Non-zero when a byte of `w` is `b`.
constexpr std::uint64_t HasByte(std::uint64_t w, unsigned char b) {
  return HasZeroByte(w ^ (kOnes * b));
}
// Non-zero when a byte of `w` is < 0x20 (a JSON control byte) or >= 0x80 (not ASCII).
constexpr std::uint64_t HasControlOrHighByte(std::uint64_t w) {
  return ((w - kOnes * 0x20) & ~w & kHighs) | (w & kHighs);
}

// The index (0-7, in memory order on this little-endian target) of the first byte a non-zero
// test result marks.
constexpr int FirstMarkedByte(std::uint64_t marks) { return std::countr_zero(marks) / 8; }

static_assert(std::endian::native == std::endian::little);
static_assert(FirstMarkedByte(HasByte(0x2261616161616122ULL, '"')) == 0);
static_assert(FirstMarkedByte(HasByte(0x6161616122616161ULL, '"')) == 3);
static_assert(FirstMarkedByte(HasZeroByte(0x0100616161616161ULL)) == 6);  // 0x00 then 0x01
static_assert(FirstMarkedByte(HasControlOrHighByte(0x61ff611f61616161ULL)) == 4);
static_assert(HasControlOrHighByte(0x6161616161616161ULL) == 0);  // "aaaaaaaa"
static_assert(HasControlOrHighByte(0x611f616161616161ULL) != 0);  // 0x1f
static_assert(HasControlOrHighByte(0x6100616161616161ULL) != 0);  // 0x00
static_assert(HasControlOrHighByte(0x61ff616161616161ULL) != 0);  // 0xff
static_assert(HasControlOrHighByte(0x2020202020202020ULL) == 0);  // spaces
static_assert(HasByte(0x6161616122616161ULL, '"') != 0);
static_assert(HasByte(0x6161616161616161ULL, '"') == 0);

}  // namespace agentsim::byte_scan
