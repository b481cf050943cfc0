// Heap per concurrent session: N sessions arrive within a virtual second and think ~10 virtual
// minutes between their turns, so all N are alive at once; the peak of live heap bytes during
// the run (counted by replacing operator new/delete in this binary only, with
// malloc_usable_size, so allocator rounding is included) is divided by N.
//
// Counters:
//   peak_per_session      (peak live bytes during the run - live bytes before it) / N
//   marginal_per_session  (peak(N) - peak(N/10)) / (0.9 N): fixed costs (mocks, caches,
//                         schemas, the event queue's growth steps) cancel out
//   between_turns_per_session  live bytes when the N-th turn record arrives (every session has
//                         finished its first turn and is listening or thinking) / N
// The peak comes while all N sessions are inside their first turn at once (LLM and TTS calls
// in flight); between turns is what an idle live session holds.
//   rss_peak_mib          the process's peak RSS (VmHWM) after the run, MiB
// AGENTSIM_ALLOC_SITES=1: also prints, after each run, the live bytes per allocation site (the
// caller of operator new: a coroutine's ramp for its frame) at the run's peak, per session,
// as "site_offset bytes_per_session allocations_per_session last_size"; resolve the offsets
// with `addr2line -f -C -e session_memory_bench`. Diagnostic only (a 16-byte header per block).
// "full text": the built-in corpora (user utterances ~40-120 bytes, LLM answers ~300 bytes).
// "short text": every utterance and LLM string fits std::string's 15-byte small buffer, so the
// transcript text costs no heap: the figure excluding transcript text.
#include <dlfcn.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <new>
#include <string>

#include <benchmark/benchmark.h>

#include "bench/bench_scenarios.h"
#include "core/log/logger.h"
#include "sim/runner.h"

namespace {

std::size_t g_live = 0;
std::size_t g_peak = 0;

// AGENTSIM_ALLOC_SITES: live bytes and blocks per call site, in a fixed table (no allocation).
struct Site {
  const void* at = nullptr;
  std::size_t live_bytes = 0;
  std::size_t live_blocks = 0;
  std::size_t last_size = 0;
};
constexpr std::size_t kSites = 4096;
constexpr std::size_t kHeader = 16;  // keeps malloc's 16-byte alignment
Site g_sites[kSites];
Site g_sites_at_peak[kSites];
std::size_t g_snapshot_live = 0;  // g_live when g_sites_at_peak was taken
int g_sites_mode = -1;            // -1: not read yet

bool SitesMode() {
  if (g_sites_mode < 0) {
    const char* env = std::getenv("AGENTSIM_ALLOC_SITES");
    g_sites_mode = env != nullptr && *env != 0 && *env != '0' ? 1 : 0;
  }
  return g_sites_mode == 1;
}

Site& SiteOf(const void* at) {
  std::size_t i = (reinterpret_cast<std::uintptr_t>(at) >> 2) % kSites;
  while (g_sites[i].at != nullptr && g_sites[i].at != at) i = (i + 1) % kSites;
  g_sites[i].at = at;
  return g_sites[i];
}

void* CountedAlloc(std::size_t n, const void* caller) {
  if (SitesMode()) {
    auto* base = static_cast<char*>(std::malloc(n + kHeader));
    if (base == nullptr) throw std::bad_alloc();
    const std::size_t usable = malloc_usable_size(base) - kHeader;
    *reinterpret_cast<const void**>(base) = caller;
    Site& site = SiteOf(caller);
    site.live_bytes += usable;
    ++site.live_blocks;
    site.last_size = n;
    g_live += usable;
    if (g_live > g_peak) g_peak = g_live;
    // A snapshot at each 0.1% rise of the peak: close enough to the peak's mix.
    if (g_live > g_snapshot_live + g_snapshot_live / 1000) {
      g_snapshot_live = g_live;
      std::copy(std::begin(g_sites), std::end(g_sites), std::begin(g_sites_at_peak));
    }
    return base + kHeader;
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  g_live += malloc_usable_size(p);
  if (g_live > g_peak) g_peak = g_live;
  return p;
}

void CountedFree(void* p) noexcept {
  if (p == nullptr) return;
  if (SitesMode()) {
    char* base = static_cast<char*>(p) - kHeader;
    const std::size_t usable = malloc_usable_size(base) - kHeader;
    Site& site = SiteOf(*reinterpret_cast<const void**>(base));
    site.live_bytes -= usable;
    --site.live_blocks;
    g_live -= usable;
    std::free(base);
    return;
  }
  g_live -= malloc_usable_size(p);
  std::free(p);
}

// The sites' live bytes at the last snapshot, above those of `before`, per session.
void PrintSites(const Site* before, std::int64_t sessions, const char* label) {
  std::fprintf(stderr, "alloc sites at the peak (%s, %lld sessions):\n", label,
               static_cast<long long>(sessions));
  Dl_info self{};
  dladdr(reinterpret_cast<const void*>(&PrintSites), &self);
  for (std::size_t i = 0; i < kSites; ++i) {
    const Site& s = g_sites_at_peak[i];
    if (s.at == nullptr) continue;
    std::size_t base_bytes = 0;
    std::size_t base_blocks = 0;
    for (std::size_t j = 0; j < kSites; ++j) {
      if (before[j].at == s.at) {
        base_bytes = before[j].live_bytes;
        base_blocks = before[j].live_blocks;
      }
    }
    if (s.live_bytes <= base_bytes) continue;
    const double per = static_cast<double>(s.live_bytes - base_bytes) / static_cast<double>(sessions);
    if (per < 1.0) continue;
    std::fprintf(stderr, "  0x%lx %8.1f %6.2f %zu\n",
                 static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(s.at) -
                                            reinterpret_cast<std::uintptr_t>(self.dli_fbase)),
                 per,
                 static_cast<double>(s.live_blocks - base_blocks) / static_cast<double>(sessions),
                 s.last_size);
  }
}

}  // namespace

// Single-threaded simulation: plain counters are enough. Aligned forms are not replaced
// (nothing in the simulation over-aligns).
void* operator new(std::size_t n) { return CountedAlloc(n, __builtin_return_address(0)); }
void* operator new[](std::size_t n) { return CountedAlloc(n, __builtin_return_address(0)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedAlloc(n, __builtin_return_address(0));
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedAlloc(n, __builtin_return_address(0));
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { CountedFree(p); }
void operator delete[](void* p) noexcept { CountedFree(p); }
void operator delete(void* p, std::size_t) noexcept { CountedFree(p); }
void operator delete[](void* p, std::size_t) noexcept { CountedFree(p); }

namespace agentsim {
namespace {

// Drops the records; notes the live bytes when the N-th turn record arrives (sessions take
// their first turns at about the same time, so then every session is between turns).
class NullSink : public RecordSink {
 public:
  explicit NullSink(std::uint64_t sessions) : sessions_(sessions) {}
  void OnTurn(const TurnRecord&) override {
    if (++turns_ == sessions_) live_at_nth_turn = g_live;
  }
  void OnSession(const SessionRecord&) override {}
  void OnCheckFailure(const CheckFailure&) override { ++failures; }
  std::uint64_t failures = 0;
  std::size_t live_at_nth_turn = 0;

 private:
  std::uint64_t sessions_;
  std::uint64_t turns_ = 0;
};

double PeakRssMib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

struct Peak {
  std::size_t bytes = 0;       // peak live bytes during the run above the live bytes before it
  std::size_t idle_bytes = 0;  // live bytes above those before, all sessions between turns
  std::uint64_t failures = 0;
};

Peak MeasurePeak(std::int64_t sessions, bool short_text) {
  const Scenario s = bench::ManyConcurrentSessions(sessions, 2, short_text);
  NullSink sink(static_cast<std::uint64_t>(sessions));
  auto log = MakeNullLogger();
  const std::size_t before = g_live;
  g_peak = g_live;
  static Site sites_before[kSites];  // static: 128 KiB
  if (SitesMode()) {
    std::copy(std::begin(g_sites), std::end(g_sites), std::begin(sites_before));
    g_snapshot_live = g_live;
  }
  RunOutcome out = RunScenario(s, 42, sink, log);
  benchmark::DoNotOptimize(out);
  if (SitesMode()) PrintSites(sites_before, sessions, short_text ? "short text" : "full text");
  return Peak{g_peak - before, sink.live_at_nth_turn - before, sink.failures};
}

void BM_SessionMemory(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const bool short_text = state.range(1) != 0;
  Peak full{};
  Peak tenth{};
  for (auto _ : state) {
    full = MeasurePeak(n, short_text);
    tenth = MeasurePeak(n / 10, short_text);
  }
  if (full.failures + tenth.failures > 0) state.SkipWithError("the run had check failures");
  state.SetLabel(short_text ? "short text (excluding transcript text)" : "full text");
  state.counters["peak_per_session"] =
      static_cast<double>(full.bytes) / static_cast<double>(n);
  state.counters["marginal_per_session"] =
      (static_cast<double>(full.bytes) - static_cast<double>(tenth.bytes)) /
      (0.9 * static_cast<double>(n));
  state.counters["between_turns_per_session"] =
      static_cast<double>(full.idle_bytes) / static_cast<double>(n);
  state.counters["rss_peak_mib"] = PeakRssMib();
}
BENCHMARK(BM_SessionMemory)
    ->ArgsProduct({{10'000, 100'000}, {1, 0}})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace agentsim
