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
// "full text": the built-in corpora (user utterances ~40-120 bytes, LLM answers ~300 bytes).
// "short text": every utterance and LLM string fits std::string's 15-byte small buffer, so the
// transcript text costs no heap: the figure excluding transcript text.
#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>

#include <benchmark/benchmark.h>

#include "bench/bench_scenarios.h"
#include "core/log/logger.h"
#include "sim/runner.h"

namespace {

std::size_t g_live = 0;
std::size_t g_peak = 0;

void* CountedAlloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  g_live += malloc_usable_size(p);
  if (g_live > g_peak) g_peak = g_live;
  return p;
}

void CountedFree(void* p) noexcept {
  if (p == nullptr) return;
  g_live -= malloc_usable_size(p);
  std::free(p);
}

}  // namespace

// Single-threaded simulation: plain counters are enough. Aligned forms are not replaced
// (nothing in the simulation over-aligns).
void* operator new(std::size_t n) { return CountedAlloc(n); }
void* operator new[](std::size_t n) { return CountedAlloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedAlloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedAlloc(n);
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
  RunOutcome out = RunScenario(s, 42, sink, log);
  benchmark::DoNotOptimize(out);
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
