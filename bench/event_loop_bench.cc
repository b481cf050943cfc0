// Events per second of the bare event loop: N coroutines each sleeping M times, 1-1,000 µs each
// (BM_EventLoopSleeps: the timer ring) or 1-1,000 ms each (BM_EventLoopSleepsMs: the far wheel,
// as the app's LLM, TTS and store latencies).
//
// BM_EventLoopSleeps/10000 is issue #5's figure (>= 10 M events/s with 10,000 pending). The
// Fixed variants run exactly 1 and 3 iterations, for callgrind (Ir, exact under any load):
//   valgrind --tool=callgrind bench/event_loop_bench --benchmark_filter='Fixed1/' (and 'Fixed3/')
//   Ir per event = (Ir_3 - Ir_1) / (2 * 10,000 * 101)   (100 sleeps + 1 start per coroutine)
#include <benchmark/benchmark.h>

#include "core/async/event_loop.h"
#include "core/rng/rng.h"

namespace agentsim {
namespace {

Task<void> Sleeper(EventLoop* loop, int sleeps, std::uint64_t seed, std::int64_t max_us) {
  Rng rng(seed);
  for (int i = 0; i < sleeps; ++i) co_await loop->Sleep(rng.UniformInt(max_us / 1000, max_us));
}

void RunSleepers(benchmark::State& state, std::int64_t max_us) {
  const int pending = static_cast<int>(state.range(0));
  const int sleeps = 100;
  std::uint64_t events = 0;
  for (auto _ : state) {
    EventLoop loop;
    for (int i = 0; i < pending; ++i) {
      loop.Spawn(Sleeper(&loop, sleeps, static_cast<std::uint64_t>(i), max_us), "sleeper");
    }
    events += loop.Run();
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

void BM_EventLoopSleeps(benchmark::State& state) { RunSleepers(state, 1000); }
void BM_EventLoopSleepsMs(benchmark::State& state) { RunSleepers(state, 1'000'000); }
BENCHMARK(BM_EventLoopSleeps)->Arg(100)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EventLoopSleepsMs)->Arg(100)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EventLoopSleeps)->Name("BM_EventLoopSleepsFixed1")->Arg(10'000)->Iterations(1);
BENCHMARK(BM_EventLoopSleeps)->Name("BM_EventLoopSleepsFixed3")->Arg(10'000)->Iterations(3);

}  // namespace
}  // namespace agentsim
