// The report writer alone: turn rows (31 columns; one LLM attempt each, which the llm_attempt
// view derives from the turn row, except each session's turn 5 of 7, a fallback whose two
// attempts are stored) and session rows written through ReportWriter to a temp SQLite file,
// sessions interleaved as in a load test (1,000 alive at once, each adding a turn in turn; a
// session's id above every earlier one), so that each 65,536-turn batch is inserted in key order
// out of its arrival order.
//
//   BM_ReportWriterTurns/N  N turns (7 per session), Finish included.
//
// Counter: turns_per_s, per CPU second of the benchmark thread. Compare with the whole pipeline
// (scenario_bench's BM_LoadScenarioWithReport): the writer's share of a turn's time.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "reports/report_writer.h"

namespace agentsim {
namespace {

constexpr int kTurnsPerSession = 7;
constexpr int kSessionsAlive = 1000;

TurnRecord MakeTurn(std::uint64_t session_id, int index) {
  TurnRecord t;
  t.session_id = session_id;
  t.turn_index = index;
  t.user_turn_end_us = static_cast<Micros>(session_id) * 3'000'000 + index * 9'000'000;
  t.agent_id = "interview-strict-v1";
  t.config_version = "2024-06-01.3";
  t.outcome = index % 31 == 5 ? TurnOutcome::kFallback : TurnOutcome::kStructured;
  t.reason = t.outcome == TurnOutcome::kFallback ? "validation_failed" : "ok";
  t.llm_calls = 1;
  t.output_tokens = 120 + index;
  t.published_fields = 3;
  t.user_text_bytes = 80;
  t.spoken_text_bytes = 210;
  t.audio_duration_us = 6'100'000;
  t.timings.config_fetch_us = 120;
  t.timings.llm_ttft_us = 410'000 + index;
  t.timings.llm_total_us = 1'400'000 + index;
  t.timings.parse_validate_us = 35;
  t.timings.tts_ttfb_us = 95'000;
  t.timings.time_to_first_audio_us = 1'510'000 + index;
  t.timings.turn_total_us = 2'600'000 + index;
  t.timings.text_field_ready_us = 900'000;
  t.llm_provider = "openai-gpt-4o-mini";
  t.speaking_rate_bytes_per_s = 34.4;
  t.llm_attempts.push_back(LlmAttempt{.call = 0,
                                      .provider = "openai-gpt-4o-mini",
                                      .attempt = 0,
                                      .delay_us = 0,
                                      .outcome = AttemptOutcome::kOk,
                                      .started_at_us = t.user_turn_end_us + 120,
                                      .duration_us = t.timings.llm_total_us});
  if (t.outcome == TurnOutcome::kFallback) {  // the plain-text call after the first
    t.llm_calls = 2;
    LlmAttempt fallback = t.llm_attempts.front();
    fallback.call = 1;
    fallback.started_at_us += fallback.duration_us + 35;
    fallback.duration_us = 600'000;
    t.llm_attempts.push_back(fallback);
  }
  return t;
}

SessionRecord MakeSession(std::uint64_t id) {
  SessionRecord s;
  s.session_id = id;
  s.user_id = "user-" + std::to_string(id % 5000);
  s.tenant_id = "tenant-pro-3";
  s.agent_id = "interview-strict-v1";
  s.config_version = "2024-06-01.3";
  s.conversation = "corpus";
  s.started_at_us = static_cast<Micros>(id) * 3'000'000;
  s.ended_at_us = s.started_at_us + 63'000'000;
  s.turns_planned = kTurnsPerSession;
  s.turns_started = kTurnsPerSession;
  s.turns_completed = kTurnsPerSession;
  s.status = "completed";
  return s;
}

void BM_ReportWriterTurns(benchmark::State& state) {
  const std::int64_t turns = state.range(0);
  const std::string path =
      (std::filesystem::temp_directory_path() / "agentsim_report_writer_bench.db").string();
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove(path);
    state.ResumeTiming();
    auto writer = ReportWriter::Open(path, {.scenario_name = "bench",
                                            .scenario_sha256 = std::string(64, 'a'),
                                            .seed = 1,
                                            .parameters_json = "{}",
                                            .agentsim_version = "bench"});
    if (!writer) {
      state.SkipWithError(writer.error().message.c_str());
      return;
    }
    // Slot k of the alive sessions holds session `ids[k]` at turn `next[k]`; a session that
    // ends is replaced by the next id.
    std::vector<std::uint64_t> ids(kSessionsAlive);
    std::vector<int> next(kSessionsAlive, 0);
    std::uint64_t next_id = 1;
    for (std::uint64_t& id : ids) id = next_id++;
    // A turn of each index, given its session's id before it is written (no allocation).
    std::vector<TurnRecord> shapes;
    for (int i = 0; i < kTurnsPerSession; ++i) shapes.push_back(MakeTurn(0, i));
    for (std::int64_t written = 0; written < turns; ++written) {
      const std::size_t k = static_cast<std::size_t>(written % kSessionsAlive);
      TurnRecord& turn = shapes[static_cast<std::size_t>(next[k])];
      turn.session_id = ids[k];
      const Micros end_us = static_cast<Micros>(ids[k]) * 3'000'000 + next[k] * 9'000'000;
      // The attempts move with the turn (the first one stays derivable from the turn row).
      for (LlmAttempt& a : turn.llm_attempts) a.started_at_us += end_us - turn.user_turn_end_us;
      turn.user_turn_end_us = end_us;
      (*writer)->OnTurn(turn);
      if (++next[k] == kTurnsPerSession) {
        (*writer)->OnSession(MakeSession(ids[k]));
        ids[k] = next_id++;
        next[k] = 0;
      }
    }
    auto finished = (*writer)->Finish({.virtual_duration_us = 1,
                                       .events_run = 1,
                                       .sessions_started = next_id - 1,
                                       .turns_started = static_cast<std::uint64_t>(turns)},
                                      {.started_at_utc = "", .wall_time_ms = 0, .command_line = ""});
    if (!finished) {
      state.SkipWithError(finished.error().message.c_str());
      return;
    }
  }
  std::filesystem::remove(path);
  state.counters["turns_per_s"] = benchmark::Counter(
      static_cast<double>(turns) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReportWriterTurns)->Arg(166'892)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace agentsim
