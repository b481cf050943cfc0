// The workload wired into the runner: the shipped workload scenarios at reduced size, dropped
// sessions, the closed model's concurrency bound, population tenants and the timeline's
// set_arrival_rate and set_feature_flag.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/log/logger.h"
#include "sim/file_source.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

constexpr Micros kSecond = kMicrosPerSecond;

class CollectingSink final : public RecordSink {
 public:
  void OnTurn(const TurnRecord& t) override { turns.push_back(t); }
  void OnSession(const SessionRecord& s) override { sessions.push_back(s); }
  void OnCheckFailure(const CheckFailure& f) override { failures.push_back(f); }
  std::vector<TurnRecord> turns;
  std::vector<SessionRecord> sessions;
  std::vector<CheckFailure> failures;
};

Scenario Load(const std::string& file) {
  DiskFileSource files(std::string(AGENTSIM_SOURCE_DIR) + "/scenarios");
  Result<Scenario> s = LoadScenario(files, file);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? std::move(*s) : Scenario{};
}

// The most sessions running at once, from the session rows (an end at t comes before a start
// at t, as the runner frees a slot before it is reused).
std::int64_t MaxConcurrent(const std::vector<SessionRecord>& sessions) {
  std::vector<std::pair<Micros, int>> events;
  for (const SessionRecord& s : sessions) {
    if (s.status == "dropped") continue;
    events.emplace_back(s.started_at_us, +1);
    events.emplace_back(s.ended_at_us, -1);
  }
  std::sort(events.begin(), events.end());
  std::int64_t active = 0, most = 0;
  for (const auto& [at, delta] : events) most = std::max(most, active += delta);
  return most;
}

// Every session row has a distinct id; every started turn has a record; nothing failed.
void ExpectAccounted(const RunOutcome& out, const CollectingSink& sink) {
  EXPECT_EQ(out.check_failures, 0u);
  EXPECT_TRUE(sink.failures.empty());
  EXPECT_EQ(out.turns_started, out.turns_recorded);
  EXPECT_EQ(sink.turns.size(), out.turns_recorded);
  std::set<std::uint64_t> ids;
  std::uint64_t started = 0, dropped = 0;
  for (const SessionRecord& s : sink.sessions) {
    EXPECT_TRUE(ids.insert(s.session_id).second) << s.session_id;
    if (s.status == "dropped") {
      ++dropped;
      EXPECT_EQ(s.turns_started, 0);
      EXPECT_EQ(s.started_at_us, s.ended_at_us);
    } else {
      ++started;
    }
  }
  EXPECT_EQ(started, out.sessions_started);
  EXPECT_EQ(dropped, out.sessions_dropped);
}

TEST(WorkloadScenariosTest, InterviewLoadReducedRampsToItsTargetAndNoFurther) {
  Scenario s = Load("interview_load.json");
  ASSERT_TRUE(s.workload.executor.has_value());
  auto* ramp = std::get_if<RampingSessions>(&*s.workload.executor);
  ASSERT_NE(ramp, nullptr);
  ASSERT_EQ(ramp->stages.size(), 3u);
  EXPECT_EQ(ramp->stages[0].target, 1000);
  EXPECT_EQ(ramp->stages[0].duration_us, 3600 * kSecond);
  // Reduced: 20 users over 60 s, held 30 s, down over 30 s.
  ramp->stages = {SessionStage{20, 60 * kSecond}, SessionStage{20, 30 * kSecond},
                  SessionStage{0, 30 * kSecond}};
  CollectingSink sink;
  const RunOutcome out = RunScenario(s, s.seed, sink, MakeNullLogger());
  ExpectAccounted(out, sink);
  EXPECT_EQ(out.sessions_dropped, 0u);
  EXPECT_EQ(MaxConcurrent(sink.sessions), 20);
  std::map<std::string, int> agents_of_tenant;
  for (const SessionRecord& r : sink.sessions) {
    EXPECT_EQ(r.status, "completed") << r.error;
    EXPECT_GE(r.turns_planned, 3);
    EXPECT_LE(r.turns_planned, 14);
    EXPECT_LT(r.started_at_us, 120 * kSecond);  // none starts after the executor's end
    EXPECT_EQ(r.user_id.rfind("u-", 0), 0u) << r.user_id;  // random ids
    // A session goes to an agent of its user's tenant.
    if (r.tenant_id == "globex-support") {
      EXPECT_EQ(r.agent_id, "customer-service-general-v1");
    } else {
      EXPECT_EQ(r.tenant_id, "acme-hr");
      EXPECT_NE(r.agent_id, "customer-service-general-v1");
    }
    ++agents_of_tenant[r.tenant_id];
  }
  EXPECT_GT(agents_of_tenant["acme-hr"], agents_of_tenant["globex-support"]);
  EXPECT_GT(agents_of_tenant["globex-support"], 0);
}

TEST(WorkloadScenariosTest, ArrivalSpikeDropsOnlyWhileOverCapacity) {
  Scenario s = Load("arrival_spike.json");
  CollectingSink sink;
  const RunOutcome out = RunScenario(s, s.seed, sink, MakeNullLogger());
  ExpectAccounted(out, sink);
  // 120 arrivals at 1/s, 600 during the spike at 10/s (the first at 120.1 s), 180 at 1/s.
  EXPECT_EQ(sink.sessions.size(), 900u);
  EXPECT_EQ(out.sessions_started + out.sessions_dropped, 900u);
  EXPECT_LE(MaxConcurrent(sink.sessions), 130);
  std::map<Micros, int> dropped_by_minute;
  for (const SessionRecord& r : sink.sessions) {
    if (r.status != "dropped") continue;
    ++dropped_by_minute[r.started_at_us / (60 * kSecond)];
    EXPECT_EQ(r.error.rfind("RESOURCE_EXHAUSTED: 130 sessions active", 0), 0u) << r.error;
    EXPECT_EQ(r.agent_id, "");
  }
  // Dropped only in the spike and just after it, most of the spike's 600 arrivals.
  EXPECT_EQ(dropped_by_minute.size(), 2u);
  EXPECT_GT(dropped_by_minute[2], 450);
  EXPECT_LT(dropped_by_minute[3], 20);
  // The flag flip at 4:00: strict sessions started after it run without voice analytics.
  int flipped = 0;
  std::map<std::uint64_t, bool> analytics_on;  // strict sessions
  for (const SessionRecord& r : sink.sessions) {
    if (r.agent_id != "interview-strict-v1") continue;
    const bool off = r.feature_flags.find("\"enable_voice_analytics\":false") != std::string::npos;
    EXPECT_EQ(off, r.started_at_us >= 240 * kSecond) << r.session_id;
    flipped += off ? 1 : 0;
    analytics_on[r.session_id] = !off;
  }
  EXPECT_GT(flipped, 0);
  // The agents read the override too: a turn with audio has a speaking rate exactly when its
  // session started before the flip (turns in progress at 4:00 keep theirs).
  int with_rate = 0, without_rate = 0;
  for (const TurnRecord& t : sink.turns) {
    auto it = analytics_on.find(t.session_id);
    if (it == analytics_on.end() || t.audio_duration_us <= 0) continue;
    EXPECT_EQ(t.speaking_rate_bytes_per_s >= 0, it->second) << t.session_id;
    (it->second ? with_rate : without_rate) += 1;
  }
  EXPECT_GT(with_rate, 0);
  EXPECT_GT(without_rate, 0);
  std::vector<std::string> timeline;
  for (const TimelineRecord& e : out.timeline) {
    timeline.push_back(e.kind + " " + e.subject + " " + e.outcome + " " + e.detail);
  }
  EXPECT_EQ(timeline, (std::vector<std::string>{
                          "set_arrival_rate arrivals ok rate 10 per 1 s",
                          "set_arrival_rate arrivals ok rate 1 per 1 s",
                          "set_feature_flag interview-strict-v1/enable_voice_analytics ok "
                          "flag = false"}));
}

// A tiny deterministic open model: 2 per second for 10 s, sessions of one turn; at most 1 at
// once. The arrival instants are k6's: 0, 0.5, 1.0, ... 9.5 s.
TEST(WorkloadScenariosTest, ArrivalsAtKnownInstantsAndDropsAtCapacity) {
  Scenario s = Load("arrival_spike.json");
  ConstantArrivalRate c;
  c.rate = 2;
  c.duration_us = 10 * kSecond;
  c.max_concurrent = 1;
  s.workload.executor = c;
  s.workload.min_turns = s.workload.max_turns = 1;
  s.routing.timeline.clear();
  CollectingSink sink;
  const RunOutcome out = RunScenario(s, 3, sink, MakeNullLogger());
  ExpectAccounted(out, sink);
  ASSERT_EQ(sink.sessions.size(), 20u);
  std::vector<SessionRecord> by_id = sink.sessions;
  std::sort(by_id.begin(), by_id.end(),
            [](const auto& a, const auto& b) { return a.session_id < b.session_id; });
  for (std::size_t i = 0; i < by_id.size(); ++i) {
    EXPECT_EQ(by_id[i].started_at_us, static_cast<Micros>(i) * kSecond / 2) << i;
  }
  EXPECT_EQ(MaxConcurrent(sink.sessions), 1);
  // A one-turn interview lasts several seconds, so of 20 arrivals 2 start (the first at 0)
  // and 18 find the one slot taken.
  EXPECT_EQ(out.sessions_dropped, 18u);
  EXPECT_EQ(out.sessions_started, 2u);
  EXPECT_EQ(by_id[0].status, "completed");
}

}  // namespace
}  // namespace agentsim
