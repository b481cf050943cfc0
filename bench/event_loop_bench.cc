// Events per second of the bare event loop: N coroutines each sleeping M times.
#include <benchmark/benchmark.h>

#include "core/async/event_loop.h"
#include "core/rng/rng.h"

namespace agentsim {
namespace {

Task<void> Sleeper(EventLoop* loop, int sleeps, std::uint64_t seed) {
  Rng rng(seed);
  for (int i = 0; i < sleeps; ++i) co_await loop->Sleep(rng.UniformInt(1, 1000));
}

void BM_EventLoopSleeps(benchmark::State& state) {
  const int pending = static_cast<int>(state.range(0));
  const int sleeps = 100;
  std::uint64_t events = 0;
  for (auto _ : state) {
    EventLoop loop;
    for (int i = 0; i < pending; ++i) {
      loop.Spawn(Sleeper(&loop, sleeps, static_cast<std::uint64_t>(i)), "sleeper");
    }
    events += loop.Run();
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventLoopSleeps)->Arg(100)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace agentsim
