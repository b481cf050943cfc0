// RunControl (sim/runner.h): the progress hook observes without changing anything, and an abort
// stops the run with every started turn accounted for.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/log/logger.h"
#include "scenarios/embedded_scenarios.h"
#include "sim/file_source.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

// Every record as one line of text, in arrival order.
class FingerprintSink : public RecordSink {
 public:
  void OnTurn(const TurnRecord& t) override {
    const TurnTimings& m = t.timings;
    lines.push_back(fmt::format(
        "turn {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}", t.session_id, t.turn_index,
        t.user_turn_end_us, t.agent_id, t.config_version, TurnOutcomeName(t.outcome), t.reason,
        t.llm_calls, t.output_tokens, t.published_fields, t.audio_duration_us, m.config_fetch_us,
        m.llm_ttft_us, m.llm_total_us, m.tts_ttfb_us, m.time_to_first_audio_us, m.turn_total_us));
  }
  void OnSession(const SessionRecord& s) override {
    sessions.push_back(s);
    lines.push_back(fmt::format("session {} {} {} {} {} {} {} {} {}", s.session_id, s.user_id,
                                s.agent_id, s.config_version, s.started_at_us, s.ended_at_us,
                                s.turns_started, s.turns_completed, s.status));
  }
  void OnCheckFailure(const CheckFailure& f) override {
    lines.push_back("check " + f.check + " " + f.subject + " " + f.detail);
  }
  std::vector<std::string> lines;
  std::vector<SessionRecord> sessions;
};

std::string OutcomeFingerprint(const RunOutcome& o) {
  std::string out = fmt::format("{} {} {} {} {} {} {} {}", o.virtual_duration_us, o.events_run,
                                o.sessions_started, o.turns_started, o.turns_recorded,
                                o.check_failures, o.llm.calls, o.tts.calls);
  for (int level = 0; level < 3; ++level) {
    out += fmt::format(" L{}:{}/{}/{}", level + 1, o.cache[level].hits, o.cache[level].misses,
                       o.cache[level].loads);
  }
  for (const TimelineRecord& e : o.timeline) {
    out += fmt::format("\n{} {} {} {} {} {}", e.at_us, e.source, e.kind, e.subject, e.outcome,
                       e.detail);
  }
  for (const PropagationRecord& p : o.propagation) {
    out += fmt::format("\n{}@{} w{} {} {} {}", p.agent_id, p.version, p.worker, p.applied_at_us,
                       p.first_served_at_us, p.sessions_notified);
  }
  return out;
}

Scenario Load(const std::string& file) {
  Result<Scenario> s = file.empty()
                           ? LoadScenario(EmbeddedFileSource(embedded::Files()),
                                          embedded::kDefaultScenario)
                           : LoadScenario(DiskFileSource(AGENTSIM_SOURCE_DIR "/scenarios"), file);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return std::move(*s);
}

struct ControlCase {
  std::string scenario;  // file in scenarios/; "" = the embedded default
  std::int64_t sessions;  // > 0: the old workload form with this many sessions; 0: as written
  Micros interval_us;
  Micros executor_end_us = 0;  // an executor's planned duration (sessions == 0)
};

void PrintTo(const ControlCase& c, std::ostream* os) {
  *os << (c.scenario.empty() ? "default" : c.scenario) << " x" << c.sessions << " every "
      << c.interval_us << "us";
}

class RunControlTest : public ::testing::TestWithParam<ControlCase> {};

TEST_P(RunControlTest, ProgressHookChangesNoRecordAndStopsWithTheRun) {
  const ControlCase& c = GetParam();
  Scenario scenario = Load(c.scenario);
  if (c.sessions > 0) scenario.workload.sessions = c.sessions;

  FingerprintSink plain;
  const RunOutcome without = RunScenario(scenario, 7, plain, MakeNullLogger());

  std::vector<RunProgress> calls;
  RunControl control;
  control.progress_interval_us = c.interval_us;
  control.on_progress = [&](const RunProgress& p) -> std::optional<RunAbort> {
    calls.push_back(p);
    return std::nullopt;
  };
  FingerprintSink observed;
  const RunOutcome with = RunScenario(scenario, 7, observed, MakeNullLogger(), control);

  EXPECT_EQ(observed.lines, plain.lines);
  EXPECT_EQ(OutcomeFingerprint(with), OutcomeFingerprint(without));
  EXPECT_FALSE(with.abort.has_value());
  // Called at every interval while the run was active, never at or after its end.
  ASSERT_FALSE(calls.empty());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].now_us, static_cast<Micros>(i + 1) * c.interval_us);
  }
  EXPECT_LT(calls.back().now_us, without.virtual_duration_us);
  EXPECT_GT(calls.back().now_us + c.interval_us, without.virtual_duration_us);
  EXPECT_LE(calls.back().turns_recorded, without.turns_recorded);
  if (c.sessions > 0) {
    EXPECT_GE(calls.back().done, 0.99);  // every session had started long before the end
    // The old workload form: the share of its sessions started (spawned; a spawned session may
    // not have run its first step yet).
    EXPECT_NEAR(calls.front().done,
                static_cast<double>(calls.front().sessions_started) /
                    static_cast<double>(c.sessions),
                1.0 / static_cast<double>(c.sessions));
  } else {
    // An executor: virtual time over its planned duration, at most 1.
    for (const RunProgress& p : calls) {
      EXPECT_EQ(p.done, std::min(1.0, static_cast<double>(p.now_us) /
                                          static_cast<double>(c.executor_end_us)));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, RunControlTest,
    ::testing::Values(ControlCase{"", 60, kMicrosPerSecond},
                      ControlCase{"", 60, 7 * kMicrosPerSecond + 3},
                      ControlCase{"hot_reload.json", 150, kMicrosPerSecond},
                      ControlCase{"resilience.json", 80, 2 * kMicrosPerSecond},
                      ControlCase{"chaos.json", 100, kMicrosPerSecond},
                      // An executor with set_arrival_rate and dropped sessions.
                      ControlCase{"arrival_spike.json", 0, kMicrosPerSecond,
                                  360 * kMicrosPerSecond}));

TEST(RunControlAbortTest, AbortStopsArrivalsEndsSessionsAndAccountsForEveryTurn) {
  Scenario scenario = Load("");
  scenario.workload.sessions = 200;  // 0.5/s: arrivals would go on for ~400 s
  constexpr Micros kAbortAt = 120 * kMicrosPerSecond;
  RunControl control;
  control.progress_interval_us = kMicrosPerSecond;
  int calls_after_abort = 0;
  bool aborted = false;
  control.on_progress = [&](const RunProgress& p) -> std::optional<RunAbort> {
    if (aborted) ++calls_after_abort;
    if (p.now_us < kAbortAt) return std::nullopt;
    aborted = true;
    return RunAbort{"threshold_abort", "turn_fallback", "'rate<0.01' rate=4.00% (50 samples)"};
  };
  FingerprintSink sink;
  const RunOutcome out = RunScenario(scenario, 7, sink, MakeNullLogger(), control);

  ASSERT_TRUE(out.abort.has_value());
  EXPECT_EQ(out.abort->at_us, kAbortAt);
  EXPECT_EQ(out.abort->source, "run");
  EXPECT_EQ(out.abort->kind, "threshold_abort");
  EXPECT_EQ(out.abort->subject, "turn_fallback");
  EXPECT_EQ(out.abort->detail, "'rate<0.01' rate=4.00% (50 samples)");
  ASSERT_FALSE(out.timeline.empty());
  EXPECT_EQ(out.timeline.back().kind, "threshold_abort");
  EXPECT_EQ(calls_after_abort, 0);
  EXPECT_EQ(out.check_failures, 0u);
  EXPECT_EQ(out.turns_started, out.turns_recorded);
  EXPECT_LT(out.sessions_started, 200u);
  EXPECT_EQ(sink.sessions.size(), out.sessions_started);
  int aborted_sessions = 0;
  for (const SessionRecord& s : sink.sessions) {
    EXPECT_LE(s.started_at_us, kAbortAt);
    if (s.status == "aborted") {
      ++aborted_sessions;
      EXPECT_LT(s.turns_started, s.turns_planned);
      EXPECT_TRUE(s.outcomes.empty());
    } else {
      EXPECT_EQ(s.status, "completed");
    }
  }
  EXPECT_GT(aborted_sessions, 0);
  // Sessions stop at their next step: the run ends within a turn and a pause of the abort.
  EXPECT_LT(out.virtual_duration_us, kAbortAt + 60 * kMicrosPerSecond);
}

}  // namespace
}  // namespace agentsim
