#include "sim/workload/executor_json.h"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/util/strings.h"

namespace agentsim {
namespace {

constexpr Micros kS = kMicrosPerSecond;

// Parses {"executor": <json>} from "s.json" and reads /executor.
Result<WorkloadExecutor> Read(const std::string& executor_json, const ReadFileFn& read_file = {}) {
  Result<JsonDocument> doc = JsonDocument::Parse("s.json", "{\"executor\": " + executor_json + "}");
  if (!doc) return std::unexpected(doc.error());
  std::vector<std::string> errors;
  std::optional<WorkloadExecutor> e = ReadWorkloadExecutor(*doc, "/executor", &errors, read_file);
  if (!e) return InvalidArgument(JoinLines(errors));
  EXPECT_TRUE(errors.empty());
  return *e;
}

TEST(ReadWorkloadExecutorTest, ConstantArrivalRate) {
  Result<WorkloadExecutor> e = Read(R"({"type": "constant-arrival-rate", "rate": 30,
      "time_unit_s": 60, "duration_s": 600, "max_concurrent": 50, "arrivals": "poisson"})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const auto& c = std::get<ConstantArrivalRate>(*e);
  EXPECT_EQ(c.rate, 30);
  EXPECT_EQ(c.time_unit_us, 60 * kS);
  EXPECT_EQ(c.duration_us, 600 * kS);
  EXPECT_EQ(c.max_concurrent, 50);
  EXPECT_EQ(c.arrivals, ArrivalProcess::kPoisson);
  EXPECT_EQ(c.max_sessions, 0);
  EXPECT_EQ(ExecutorTypeName(*e), "constant-arrival-rate");
  EXPECT_TRUE(IsOpenModel(*e));
  EXPECT_EQ(ExecutorEnd(*e), 600 * kS);
}

TEST(ReadWorkloadExecutorTest, DefaultsAreK6s) {
  Result<WorkloadExecutor> e = Read(R"({"type": "constant-arrival-rate", "rate": 10, "duration_s": 1})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const auto& c = std::get<ConstantArrivalRate>(*e);
  EXPECT_EQ(c.time_unit_us, kS);
  EXPECT_EQ(c.max_concurrent, 0);  // unlimited
  EXPECT_EQ(c.arrivals, ArrivalProcess::kDeterministic);
}

TEST(ReadWorkloadExecutorTest, RampingArrivalRate) {
  Result<WorkloadExecutor> e = Read(R"({"type": "ramping-arrival-rate", "start_rate": 5,
      "stages": [{"target": 50, "duration_s": 600}, {"target": 50, "duration_s": 0.5},
                 {"target": 0, "duration_s": 60}], "max_concurrent": 500})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const auto& r = std::get<RampingArrivalRate>(*e);
  EXPECT_EQ(r.start_rate, 5);
  EXPECT_EQ(r.time_unit_us, kS);
  ASSERT_EQ(r.stages.size(), 3u);
  EXPECT_EQ(r.stages[0].target, 50);
  EXPECT_EQ(r.stages[1].duration_us, 500'000);
  EXPECT_EQ(r.max_concurrent, 500);
  EXPECT_EQ(ExecutorEnd(*e), 660'500'000);
}

TEST(ReadWorkloadExecutorTest, ClosedModels) {
  Result<WorkloadExecutor> c = Read(R"({"type": "constant-sessions", "sessions": 100,
      "duration_s": 3600, "gap_between_sessions_ms": {"type": "exponential", "mean": 5000}})");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_FALSE(IsOpenModel(*c));
  EXPECT_EQ(std::get<ConstantSessions>(*c).sessions, 100);
  EXPECT_EQ(std::get<ConstantSessions>(*c).gap_ms.Describe(), "exponential(mean=5000)");

  Result<WorkloadExecutor> r = Read(R"({"type": "ramping-sessions",
      "stages": [{"target": 1000, "duration_s": 3600}, {"target": 0, "duration_s": 60}]})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto& rs = std::get<RampingSessions>(*r);
  EXPECT_EQ(rs.start_sessions, 0);
  EXPECT_EQ(rs.stages[0].target, 1000);
  EXPECT_EQ(rs.gap_ms.Describe(), "constant(0)");
  EXPECT_EQ(ExecutorEnd(*r), 3660 * kS);
}

// The smallest ramps that do start a session are accepted: a rate adding up to more than one
// session before the end, a start above 0 with zero targets, one user reached mid-stage.
TEST(ReadWorkloadExecutorTest, RampsThatStartOneSessionAreAccepted) {
  for (const char* text :
       {R"({"type": "ramping-arrival-rate", "stages": [{"target": 2.01, "duration_s": 1}]})",
        R"({"type": "ramping-arrival-rate", "start_rate": 5, "stages": [{"target": 0, "duration_s": 1}]})",
        R"({"type": "ramping-sessions", "stages": [{"target": 2, "duration_s": 60}]})",
        R"({"type": "ramping-sessions", "start_sessions": 1, "stages": [{"target": 0, "duration_s": 1}]})"}) {
    SCOPED_TRACE(text);
    Result<WorkloadExecutor> e = Read(text);
    EXPECT_TRUE(e.has_value()) << e.error().message;
  }
}

TEST(ReadWorkloadExecutorTest, GapMayBeEmpirical) {
  const ReadFileFn files = [](std::string_view path) -> Result<LoadedFile> {
    if (path != "gaps.txt") return NotFound("no such file: " + std::string(path));
    return LoadedFile{"scenarios/gaps.txt", "100\n200\n"};
  };
  Result<WorkloadExecutor> e = Read(R"({"type": "constant-sessions", "sessions": 2,
      "duration_s": 60, "gap_between_sessions_ms": {"type": "empirical", "path": "gaps.txt"}})",
                                    files);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(std::get<ConstantSessions>(*e).gap_ms.Describe(), "empirical(gaps.txt, 2 samples)");
}

TEST(LegacyPoissonExecutorTest, MapsTheOldKeys) {
  const WorkloadExecutor e = LegacyPoissonExecutor(100, 2.5);
  const auto& c = std::get<ConstantArrivalRate>(e);
  EXPECT_EQ(c.rate, 2.5);
  EXPECT_EQ(c.time_unit_us, kS);
  EXPECT_EQ(c.duration_us, kNoEnd);
  EXPECT_EQ(c.max_sessions, 100);
  EXPECT_EQ(c.max_concurrent, 0);
  EXPECT_EQ(c.arrivals, ArrivalProcess::kPoisson);
  EXPECT_EQ(ExecutorEnd(e), kNoEnd);
}

struct BadCase {
  std::string json;
  std::string message;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.json; }

class ReadWorkloadExecutorErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ReadWorkloadExecutorErrorTest, ReportsEveryProblemWithLocation) {
  Result<WorkloadExecutor> e = Read(GetParam().json);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ReadWorkloadExecutorErrorTest,
    ::testing::Values(
        BadCase{R"(5)", "s.json:1:14: /executor: expected an object, got number 5"},
        BadCase{R"({"rate": 5})",
                "s.json:1:14: /executor: missing required key 'type' (one of "
                "\"constant-arrival-rate\", \"ramping-arrival-rate\", \"constant-sessions\", "
                "\"ramping-sessions\")"},
        BadCase{R"({"type": "ramping-vus"})",
                "s.json:1:23: /executor/type: unknown executor type \"ramping-vus\" (did you mean "
                "\"ramping-sessions\"?)"},
        BadCase{R"({"type": "constant-arival-rate"})",
                "s.json:1:23: /executor/type: unknown executor type \"constant-arival-rate\" (did "
                "you mean \"constant-arrival-rate\"?)"},
        BadCase{R"({"type": "shared-iterations"})",
                "s.json:1:23: /executor/type: expected one of \"constant-arrival-rate\" "
                "\"ramping-arrival-rate\" \"constant-sessions\" \"ramping-sessions\", got string "
                "\"shared-iterations\""},
        BadCase{R"({"type": "constant-arrival-rate", "rate": 0, "duration": 60, "arrivals": "bursty"})",
                "s.json:1:71: /executor/duration: unknown key 'duration' (did you mean "
                "'duration_s'?)\n"
                "s.json:1:56: /executor/rate: expected a number above 0 up to 10000000.0, got "
                "number 0\n"
                "s.json:1:14: /executor: missing required key 'duration_s' (a number)\n"
                "s.json:1:87: /executor/arrivals: expected one of \"deterministic\" \"poisson\", "
                "got string \"bursty\""},
        BadCase{R"({"type": "constant-arrival-rate", "rate": 1, "duration_s": 1, "time_unit_s": 0, "max_concurrent": 0})",
                "s.json:1:91: /executor/time_unit_s: expected a number from 0.001 to 86400.0, got "
                "number 0\n"
                "s.json:1:112: /executor/max_concurrent: expected an integer from 1 to 100000000, "
                "got number 0"},
        BadCase{R"({"type": "ramping-arrival-rate", "stages": []})",
                "s.json:1:57: /executor/stages: expected a non-empty array of {\"target\": "
                "NUMBER, \"duration_s\": NUMBER}, got an empty array"},
        BadCase{R"({"type": "ramping-arrival-rate"})",
                "s.json:1:14: /executor: missing required key 'stages' (a non-empty array of "
                "{\"target\": NUMBER, \"duration_s\": NUMBER})"},
        BadCase{R"({"type": "ramping-arrival-rate", "stages": [{"target": 5, "duration_s": 0}]})",
                "s.json:1:57: /executor/stages: expected the stages to last more than 0 s in "
                "total"},
        BadCase{R"({"type": "ramping-arrival-rate", "stages": [{"target": -1, "duratoin_s": 5}, 3]})",
                "s.json:1:87: /executor/stages/0/duratoin_s: unknown key 'duratoin_s' (did you "
                "mean 'duration_s'?)\n"
                "s.json:1:69: /executor/stages/0/target: expected a number from 0.0 to "
                "10000000.0, got number -1\n"
                "s.json:1:58: /executor/stages/0: missing required key 'duration_s' (a number)\n"
                "s.json:1:91: /executor/stages/1: expected an object, got number 3"},
        BadCase{R"({"type": "constant-sessions", "sessions": 1.5, "duration_s": 10,
                    "gap_between_sessions_ms": {"type": "truncated_normal", "mean": 10, "sd": 5}})",
                "s.json:1:56: /executor/sessions: expected an integer from 1 to 1000000, got "
                "number 1.5\n"
                "s.json:2:48: /executor/gap_between_sessions_ms: expected values >= 0, but this "
                "truncated_normal has no lower bound (set \"min\")"},
        BadCase{R"({"type": "ramping-sessions", "start_sessions": -1, "stages": [{"target": 2.5, "duration_s": 1}]})",
                "s.json:1:61: /executor/start_sessions: expected an integer from 0 to 1000000, "
                "got number -1\n"
                "s.json:1:87: /executor/stages/0/target: expected an integer from 0 to 1000000, "
                "got number 2.5"},
        // At most 1e7 sessions in all for an open model (each writes a session row).
        BadCase{R"({"type": "constant-arrival-rate", "rate": 10000000, "duration_s": 60})",
                "s.json:1:56: /executor/rate: expected at most 10000000 sessions in all; rate x "
                "duration_s / time_unit_s starts 600000000"},
        BadCase{R"({"type": "ramping-arrival-rate", "stages": [{"target": 1000000, "duration_s": 30}]})",
                "s.json:1:57: /executor/stages: expected at most 10000000 sessions in all; the "
                "stages start 15000000"},
        // A ramping executor that would start no session is refused (a load test that tests
        // nothing would pass its thresholds): all zero, a rate adding up to less than one
        // session, one adding up to exactly one at the end (k6 starts none there), one user
        // reached only as the stages end.
        BadCase{R"({"type": "ramping-arrival-rate", "stages": [{"target": 0, "duration_s": 30}, {"target": 0, "duration_s": 5}]})",
                "s.json:1:57: /executor/stages: these stages start no session: expected "
                "start_rate and targets whose rate adds up to one session before the stages end "
                "(they add up to 0)"},
        BadCase{R"({"type": "ramping-arrival-rate", "stages": [{"target": 1e-9, "duration_s": 60}]})",
                "s.json:1:57: /executor/stages: these stages start no session: expected "
                "start_rate and targets whose rate adds up to one session before the stages end "
                "(they add up to 3e-08)"},
        BadCase{R"({"type": "ramping-arrival-rate", "stages": [{"target": 2, "duration_s": 1}]})",
                "s.json:1:57: /executor/stages: these stages start no session: expected "
                "start_rate and targets whose rate adds up to one session before the stages end "
                "(they add up to 1, so the first session is due only as the stages end, where "
                "none starts, as in k6)"},
        BadCase{R"({"type": "ramping-arrival-rate", "stages": [{"target": 0.9999999, "duration_s": 2}]})",
                "s.json:1:57: /executor/stages: these stages start no session: expected "
                "start_rate and targets whose rate adds up to one session before the stages end "
                "(they add up to 0.9999999)"},
        BadCase{R"({"type": "ramping-sessions", "start_sessions": 0, "stages": [{"target": 0, "duration_s": 30}]})",
                "s.json:1:74: /executor/stages: these stages start no session: expected "
                "start_sessions or targets that reach one user before the stages end"},
        BadCase{R"({"type": "ramping-sessions", "stages": [{"target": 1, "duration_s": 60}]})",
                "s.json:1:53: /executor/stages: these stages start no session: expected "
                "start_sessions or targets that reach one user before the stages end"},
        BadCase{R"({"type": "constant-arrival-rate", "rate": -0.5, "duration_s": 60})",
                "s.json:1:56: /executor/rate: expected a number above 0 up to 10000000.0, got "
                "number -0.5"}));

}  // namespace
}  // namespace agentsim
