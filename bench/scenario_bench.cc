// Simulated turns per wall-second and virtual time over wall time, full pipeline (mocks, agent
// turn, parse/validate, publish, TTS), with and without writing the SQLite report.
//
//   BM_LoadScenarioWithReport  the interview load scenario (scenarios/interview_load.json, or
//                              $AGENTSIM_BENCH_SCENARIO) with its report written to a temp
//                              SQLite file; when there is no such file, the default scenario
//                              scaled to 36,000 sessions at 10/s (~1,000 alive at once, one
//                              virtual hour of arrivals).
//   BM_DefaultScenario*        the embedded default scenario at 300 and 3,000 sessions.
//
// Counters: turns_per_s (turns recorded per wall second), virtual_x (virtual seconds per wall
// second), mean_concurrent (sessions alive on average: the sum of session durations over the
// virtual duration). Rates are per CPU second of the benchmark thread (the simulation is
// single-threaded): on an idle core that is the wall second; on a shared, busy machine the wall
// time (the "Time" column) is longer and the CPU rate is the figure to compare.
#include <filesystem>

#include <benchmark/benchmark.h>

#include "bench/bench_scenarios.h"
#include "core/log/logger.h"
#include "reports/report_writer.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

// Forwards to `next` (may be null) and sums the sessions' durations.
class CountingSink : public RecordSink {
 public:
  explicit CountingSink(RecordSink* next) : next_(next) {}
  void OnTurn(const TurnRecord& t) override {
    if (next_) next_->OnTurn(t);
  }
  void OnSession(const SessionRecord& s) override {
    session_us_ += s.ended_at_us - s.started_at_us;
    if (next_) next_->OnSession(s);
  }
  void OnCheckFailure(const CheckFailure& f) override {
    ++check_failures_;
    if (next_) next_->OnCheckFailure(f);
  }
  double session_us() const { return session_us_; }
  std::uint64_t check_failures() const { return check_failures_; }

 private:
  RecordSink* next_;
  double session_us_ = 0;
  std::uint64_t check_failures_ = 0;
};

struct Totals {
  std::uint64_t turns = 0;
  double virtual_us = 0;
  double session_us = 0;
  std::uint64_t check_failures = 0;
};

void SetCounters(benchmark::State& state, const Totals& t) {
  state.counters["turns_per_s"] =
      benchmark::Counter(static_cast<double>(t.turns), benchmark::Counter::kIsRate);
  state.counters["virtual_x"] = benchmark::Counter(t.virtual_us / 1e6, benchmark::Counter::kIsRate);
  state.counters["mean_concurrent"] = t.virtual_us > 0 ? t.session_us / t.virtual_us : 0;
  state.counters["turns"] = static_cast<double>(t.turns) / static_cast<double>(state.iterations());
  if (t.check_failures > 0) state.SkipWithError("the run had check failures");
}

// One run of `s` with its report written to a temp SQLite file.
bool RunWithReport(benchmark::State& state, const Scenario& s, Totals& t) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "agentsim_bench_report.db").string();
  std::filesystem::remove(path);
  ReportWriter::RunInfo info{s.name, "", 42, "{}", "bench"};
  auto writer = ReportWriter::Open(path, info);
  if (!writer) {
    state.SkipWithError(writer.error().message.c_str());
    return false;
  }
  CountingSink sink(writer->get());
  RunOutcome out = RunScenario(s, 42, sink, MakeNullLogger());
  if (Status done = (*writer)->Finish({out.virtual_duration_us, out.events_run,
                                       out.sessions_started, out.turns_started},
                                      {"", 0, ""});
      !done) {
    state.SkipWithError(done.error().message.c_str());
    return false;
  }
  writer->reset();
  std::filesystem::remove(path);
  t.turns += out.turns_recorded;
  t.virtual_us += static_cast<double>(out.virtual_duration_us);
  t.session_us += sink.session_us();
  t.check_failures += sink.check_failures();
  return true;
}

void BM_LoadScenarioWithReport(benchmark::State& state) {
  Scenario s;
  if (const std::string path = bench::LoadScenarioPath(); !path.empty()) {
    Result<Scenario> loaded = bench::LoadScenarioFile(path);
    if (!loaded) {
      state.SkipWithError(loaded.error().ToString().c_str());
      return;
    }
    s = std::move(*loaded);
    state.SetLabel(path);
  } else {
    s = bench::ScaledDefault(36'000, 10.0);
    state.SetLabel("default scaled: 36000 sessions at 10/s");
  }
  Totals t;
  for (auto _ : state) {
    if (!RunWithReport(state, s, t)) return;
  }
  SetCounters(state, t);
}
BENCHMARK(BM_LoadScenarioWithReport)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_DefaultScenarioNoReport(benchmark::State& state) {
  Scenario s = bench::EmbeddedDefault();
  s.workload.sessions = state.range(0);
  Totals t;
  for (auto _ : state) {
    CountingSink sink(nullptr);
    RunOutcome out = RunScenario(s, 42, sink, MakeNullLogger());
    t.turns += out.turns_recorded;
    t.virtual_us += static_cast<double>(out.virtual_duration_us);
    t.session_us += sink.session_us();
    t.check_failures += sink.check_failures();
  }
  SetCounters(state, t);
}
BENCHMARK(BM_DefaultScenarioNoReport)->Arg(300)->Arg(3000)->Unit(benchmark::kMillisecond);

void BM_DefaultScenarioWithReport(benchmark::State& state) {
  Scenario s = bench::EmbeddedDefault();
  s.workload.sessions = state.range(0);
  Totals t;
  for (auto _ : state) {
    if (!RunWithReport(state, s, t)) return;
  }
  SetCounters(state, t);
}
BENCHMARK(BM_DefaultScenarioWithReport)->Arg(3000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace agentsim
