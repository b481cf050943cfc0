// Simulated turns per wall-second for the default scenario, full pipeline (mocks, agent turn,
// parse/validate, publish, TTS), with and without writing the SQLite report.
#include <filesystem>

#include <benchmark/benchmark.h>

#include "core/log/logger.h"
#include "reports/report_writer.h"
#include "scenarios/embedded_scenarios.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

class NullSink : public RecordSink {
 public:
  void OnTurn(const TurnRecord&) override {}
  void OnSession(const SessionRecord&) override {}
  void OnCheckFailure(const CheckFailure&) override {}
};

Scenario LoadDefault(std::int64_t sessions) {
  EmbeddedFileSource files(embedded::Files());
  Scenario s = *LoadScenario(files, embedded::kDefaultScenario);
  s.workload.sessions = sessions;
  return s;
}

void BM_DefaultScenarioNoReport(benchmark::State& state) {
  Scenario s = LoadDefault(state.range(0));
  std::uint64_t turns = 0;
  Micros virtual_us = 0;
  for (auto _ : state) {
    NullSink sink;
    RunOutcome out = RunScenario(s, 42, sink, MakeNullLogger());
    turns += out.turns_recorded;
    virtual_us += out.virtual_duration_us;
  }
  state.counters["turns_per_s"] =
      benchmark::Counter(static_cast<double>(turns), benchmark::Counter::kIsRate);
  state.counters["virtual_s_per_s"] =
      benchmark::Counter(static_cast<double>(virtual_us) / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DefaultScenarioNoReport)->Arg(300)->Arg(3000)->Unit(benchmark::kMillisecond);

void BM_DefaultScenarioWithReport(benchmark::State& state) {
  Scenario s = LoadDefault(state.range(0));
  const std::string path =
      (std::filesystem::temp_directory_path() / "agentsim_bench_report.db").string();
  std::uint64_t turns = 0;
  for (auto _ : state) {
    ReportWriter::RunInfo info{s.name, "", 42, "{}", "bench"};
    auto writer = ReportWriter::Open(path, info);
    if (!writer) {
      state.SkipWithError(writer.error().message.c_str());
      return;
    }
    RunOutcome out = RunScenario(s, 42, **writer, MakeNullLogger());
    (void)(*writer)->Finish({out.virtual_duration_us, out.events_run, out.sessions_started,
                             out.turns_started},
                            {"", 0, ""});
    turns += out.turns_recorded;
  }
  std::filesystem::remove(path);
  state.counters["turns_per_s"] =
      benchmark::Counter(static_cast<double>(turns), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DefaultScenarioWithReport)->Arg(3000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace agentsim
