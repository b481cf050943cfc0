#include "reports/report_writer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "reports/report_schema.h"
#include "tests/reports/report_test_util.h"

namespace agentsim {
namespace {

using testing_reports::QueryRows;
using testing_reports::SampleRun;
using testing_reports::TempReportPath;
using testing_reports::WriteRun;
using Rows = std::vector<std::vector<std::string>>;

TEST(ReportWriterTest, WritesRunRowWithTotalsAndSeedAsDecimalText) {
  const std::string path = TempReportPath("r.db");
  SampleRun run;
  run.info.seed = std::numeric_limits<std::uint64_t>::max();
  WriteRun(path, run);
  EXPECT_EQ(QueryRows(path, "SELECT * FROM run"),
            (Rows{{"1", "default", std::string(64, 'a'), "18446744073709551615",
                   R"({"sessions":3})", "0.1.0", "7985120000", "1234", "3", "5"}}));
  EXPECT_EQ(QueryRows(path, "SELECT typeof(seed), typeof(virtual_duration_us) FROM run"),
            (Rows{{"text", "integer"}}));
}

TEST(ReportWriterTest, WritesWallClockFactsToRunWall) {
  const std::string path = TempReportPath("r.db");
  WriteRun(path, SampleRun{});
  EXPECT_EQ(
      QueryRows(path, "SELECT * FROM run_wall"),
      (Rows{{"2024-05-01T12:00:00Z", "840.0", "agentsim run scenarios/default.json --seed 42"}}));
}

TEST(ReportWriterTest, WritesTurnsWithNullForStagesThatDidNotRun) {
  const std::string path = TempReportPath("r.db");
  SampleRun run;
  std::reverse(run.turns.begin(), run.turns.end());  // rows come back in primary-key order
  WriteRun(path, run);
  const std::string s = "support", v = "v3", n = "NULL";
  EXPECT_EQ(QueryRows(path, "SELECT * FROM turn ORDER BY session_id, turn_index"),
            (Rows{
                {"1",      "0",  "1000000", s,       v,        "structured", "ok",  "0",
                 "1",      "40", "3",       "20",    "60",     "1500000",    "100", "300000",
                 "600000", "50", n,         "80000", "400000", "700000", "", "0", "0", "0", "{}", n, "0", "0", n},
                {"1",      "1",  "3000000", s,       v,        "fallback", "not_json", "0",
                 "2",      "41", "0",       "20",    "60",     "1500000",  "100",      "300000",
                 "600000", "50", "500000",  "80000", "900000", "1200000", "", "0", "0", "0", "{}", n, "0", "0", n},
                {"2",      "0",  "2000000", s,       v,        "structured", "ok",  "0",
                 "1",      "40", "3",       "20",    "60",     "1500000",    "100", "300000",
                 "600000", "50", n,         "80000", "500000", "800000", "", "0", "0", "0", "{}", n, "0", "0", n},
                {"2",      "1",      "4000000", s,    v,        "fallback", "validation_failed",
                 "2",      "2",      "41",      "0",  "20",     "60",       "1500000",
                 "100",    "300000", "600000",  "50", "500000", "80000",    "1000000",
                 "1500000", "", "0", "0", "0", "{}", n, "0", "0", n},
                {"2",  "2",  "6000000", s,     v, "error", "llm_error", "0", "1", "42", "0",
                 "20", "60", "1500000", "100", n, n,       n,           n,   n,   n,    n, "", "0", "0", "0", "{}", n, "0", "0", n},
            }));
}

TEST(ReportWriterTest, TurnColumnsAreNamedAfterTheRecordFields) {
  const std::string path = TempReportPath("r.db");
  WriteRun(path, SampleRun{});
  Rows expected;
  for (const char* name : {"session_id",
                           "turn_index",
                           "user_turn_end_us",
                           "agent_id",
                           "config_version",
                           "outcome",
                           "reason",
                           "validation_errors",
                           "llm_calls",
                           "output_tokens",
                           "published_fields",
                           "user_text_bytes",
                           "spoken_text_bytes",
                           "audio_duration_us",
                           "config_fetch_us",
                           "llm_ttft_us",
                           "llm_total_us",
                           "parse_validate_us",
                           "fallback_llm_total_us",
                           "tts_ttfb_us",
                           "time_to_first_audio_us",
                           "turn_total_us",
                           "llm_provider",
                           "llm_attempts",
                           "text_only",
                           "coercions",
                           "coercion_kinds",
                           "text_field_ready_us",
                           "interrupted",
                           "sentiment_filled",
                           "speaking_rate_bytes_per_s"}) {
    expected.push_back({name});
  }
  EXPECT_EQ(QueryRows(path, "SELECT name FROM pragma_table_info('turn') ORDER BY cid"), expected);
}

TEST(ReportWriterTest, WritesSessions) {
  const std::string path = TempReportPath("r.db");
  WriteRun(path, SampleRun{});
  EXPECT_EQ(QueryRows(path, "SELECT * FROM session ORDER BY session_id"),
            (Rows{{"1", "user-1", "tenant-a", "support", "v3", "corpus", "1000000", "6000000", "3",
                   "2", "2", "completed", "", "weights", "", "-1", "{}"},
                  {"2", "user-2", "tenant-a", "support", "v3", "corpus", "2000000", "7000000", "3",
                   "3", "3", "completed", "", "weights", "", "-1", "{}"},
                  {"3", "user-3", "tenant-a", "support", "v3", "corpus", "3000000", "8000000", "3",
                   "0", "0", "refused", "quota exceeded", "weights", "", "-1", "{}"}}));
}

TEST(ReportWriterTest, WritesRoutingDecisionsFlagsAndOutcomes) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  SessionRecord s;
  s.session_id = 9;
  s.user_id = "u-1";
  s.tenant_id = "t";
  s.agent_id = "interview-temp09-v1";
  s.config_version = "1.0.0";
  s.conversation = "corpus";
  s.status = "completed";
  s.route = "experiment";
  s.route_key = "interview_temperature_test";
  s.variant = 1;
  s.feature_flags = R"({"enable_voice_analytics":true})";
  s.outcomes = {{"task_completed", 1.0}, {"candidate_rating", 4.25}};
  (*writer)->OnSession(s);
  ASSERT_TRUE((*writer)->Finish({}, {}).has_value());
  EXPECT_EQ(QueryRows(path, "SELECT route, route_key, variant, feature_flags FROM session"),
            (Rows{{"experiment", "interview_temperature_test", "1",
                   R"({"enable_voice_analytics":true})"}}));
  EXPECT_EQ(QueryRows(path, "SELECT * FROM session_outcome ORDER BY name"),
            (Rows{{"9", "candidate_rating", "4.25"}, {"9", "task_completed", "1.0"}}));
}

TEST(ReportWriterTest, WritesAttemptsProviderAndCoercionsOfATurn) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  TurnRecord t;
  t.session_id = 4;
  t.turn_index = 2;
  t.agent_id = "a-v1";
  t.config_version = "1.0.0";
  t.outcome = TurnOutcome::kStructured;
  t.llm_provider = "anthropic";
  t.text_only = true;
  t.coercions = 3;
  t.coercion_kinds = {{"fenced", 1}, {"string_to_int", 2}};
  t.llm_attempts = {{0, "openai", 0, 0, AttemptOutcome::kError, 1000, 100000},
                    {0, "openai", 1, 63715, AttemptOutcome::kRateLimited, 164715, 5000},
                    {0, "anthropic", 0, 0, AttemptOutcome::kOk, 169715, 300000}};
  (*writer)->OnTurn(t);
  ASSERT_TRUE((*writer)->Finish({}, {}).has_value());
  EXPECT_EQ(QueryRows(path, "SELECT llm_provider, llm_attempts, text_only, coercions, "
                            "coercion_kinds FROM turn"),
            (Rows{{"anthropic", "3", "1", "3", R"({"fenced":1,"string_to_int":2})"}}));
  EXPECT_EQ(QueryRows(path, "SELECT * FROM llm_attempt ORDER BY seq"),
            (Rows{{"4", "2", "0", "0", "openai", "0", "0", "error", "1000", "100000"},
                  {"4", "2", "1", "0", "openai", "1", "63715", "rate_limited", "164715", "5000"},
                  {"4", "2", "2", "0", "anthropic", "0", "0", "ok", "169715", "300000"}}));
}

TEST(ReportWriterTest, NumbersCheckFailuresInArrivalOrder) {
  const std::string path = TempReportPath("r.db");
  WriteRun(path, SampleRun{});
  EXPECT_EQ(QueryRows(path, "SELECT * FROM check_failure ORDER BY seq"),
            (Rows{{"1", "1000000", "hidden_field_published", "session 1", "field internal_notes"},
                  {"2", "9000000", "root_unfinished", "task 7", ""}}));
}

TEST(ReportWriterTest, MarksTheFileAsAnAgentsimReportVersion5) {
  const std::string path = TempReportPath("r.db");
  WriteRun(path, SampleRun{});
  EXPECT_EQ(QueryRows(path, "PRAGMA application_id"), (Rows{{"1095193421"}}));
  EXPECT_EQ(QueryRows(path, "PRAGMA user_version"), (Rows{{"5"}}));
}

TEST(ReportWriterTest, CommitsAcrossBatchedTransactions) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  const int rows = 2 * ReportWriter::kRowsPerTransaction + 1;
  for (int i = 0; i < rows; ++i) {
    (*writer)->OnCheckFailure({.at_us = i, .check = "c", .subject = "s", .detail = "d"});
  }
  ASSERT_TRUE((*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall()));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*), MIN(seq), MAX(seq), MAX(at_us) FROM check_failure"),
            (Rows{{"20001", "1", "20001", "20000"}}));
}

TEST(ReportWriterTest, DestroyedWithoutFinishKeepsRowsAndLeavesTotalsNull) {
  const std::string path = TempReportPath("r.db");
  {
    auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    for (const SessionRecord& s : testing_reports::SampleSessions()) (*writer)->OnSession(s);
  }
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM session"), (Rows{{"3"}}));
  EXPECT_EQ(QueryRows(path, "SELECT virtual_duration_us, events_run FROM run"),
            (Rows{{"NULL", "NULL"}}));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM run_wall"), (Rows{{"0"}}));
}

TEST(ReportWriterTest, FinishTwiceReturnsAnError) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  ASSERT_TRUE((*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall()));
  auto second = (*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall());
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(second.error().message.find(path), std::string::npos) << second.error().message;
  // Records after Finish are ignored, not a crash.
  (*writer)->OnTurn(testing_reports::SampleTurns()[0]);
  (*writer)->OnSession(testing_reports::SampleSessions()[0]);
  (*writer)->OnCheckFailure(testing_reports::SampleChecks()[0]);
}

TEST(ReportWriterTest, DuplicateTurnIsReportedByFinish) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  (*writer)->OnTurn(testing_reports::SampleTurns()[1]);
  (*writer)->OnTurn(testing_reports::SampleTurns()[1]);
  (*writer)->OnTurn(testing_reports::SampleTurns()[2]);  // dropped after the first error
  auto finished = (*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall());
  ASSERT_FALSE(finished.has_value());
  EXPECT_EQ(finished.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(finished.error().message.find(path + ": insert into turn (session_id 1, turn_index 1)"),
            std::string::npos)
      << finished.error().message;
  // Rows written before the failure are kept; the totals are not written.
  EXPECT_EQ(QueryRows(path, "SELECT session_id, turn_index FROM turn"), (Rows{{"1", "1"}}));
  EXPECT_EQ(QueryRows(path, "SELECT events_run FROM run"), (Rows{{"NULL"}}));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM run_wall"), (Rows{{"0"}}));
}

// A turn of session `session`, index `index`, with `attempts` LLM attempts (seq 0, 1, ...). One
// attempt is a plain try that the llm_attempt view derives from the turn row (not stored); more
// are stored in llm_attempt_stored.
TurnRecord TurnWithAttempts(std::uint64_t session, int index, int attempts) {
  TurnRecord t = testing_reports::MakeTurn(session, index, TurnOutcome::kStructured, "ok",
                                           400'000, 700'000);
  t.llm_provider = "openai";
  if (attempts == 1) {
    t.llm_attempts.push_back({0, "openai", 0, 0, AttemptOutcome::kOk,
                              t.user_turn_end_us + t.timings.config_fetch_us,
                              t.timings.llm_total_us});
    return t;
  }
  for (int a = 0; a < attempts; ++a) {
    t.llm_attempts.push_back({0, "openai", a, 0, AttemptOutcome::kOk, 1000 * a, 10});
  }
  return t;
}

struct BatchCase {
  std::string name;
  std::size_t turns;  // sessions 1..7 interleaved, turn_index i / 7
};

void PrintTo(const BatchCase& c, std::ostream* os) { *os << c.name; }

class ReportWriterBatchTest : public ::testing::TestWithParam<BatchCase> {};

// Turns arrive interleaved across sessions and are inserted in batches of kTurnsPerBatch: every
// turn and attempt is in the file, whichever batch it was in.
TEST_P(ReportWriterBatchTest, WritesEveryTurnAndAttemptAcrossBatches) {
  const BatchCase& c = GetParam();
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  for (std::size_t i = 0; i < c.turns; ++i) {
    (*writer)->OnTurn(TurnWithAttempts(7 - i % 7, static_cast<int>(i / 7), static_cast<int>(i % 3)));
  }
  ASSERT_TRUE((*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall()));
  std::size_t attempts = 0;
  for (std::size_t i = 0; i < c.turns; ++i) attempts += i % 3;
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*), SUM(llm_attempts) FROM turn"),
            (Rows{{std::to_string(c.turns), c.turns == 0 ? "NULL" : std::to_string(attempts)}}));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM llm_attempt"), (Rows{{std::to_string(attempts)}}));
  // Turns with one attempt (i % 3 == 1) are derived, the others stored.
  std::size_t stored = 0;
  for (std::size_t i = 0; i < c.turns; ++i) stored += i % 3 == 2 ? 2 : 0;
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM llm_attempt_stored"),
            (Rows{{std::to_string(stored)}}));
  // Each attempt row belongs to its turn: same count per (session, turn).
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM turn t WHERE llm_attempts != (SELECT COUNT(*) "
                            "FROM llm_attempt a WHERE a.session_id = t.session_id AND "
                            "a.turn_index = t.turn_index)"),
            (Rows{{"0"}}));
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, ReportWriterBatchTest,
    ::testing::Values(BatchCase{"none", 0}, BatchCase{"one", 1},
                      BatchCase{"one_batch", ReportWriter::kTurnsPerBatch},
                      BatchCase{"batch_and_one", ReportWriter::kTurnsPerBatch + 1},
                      BatchCase{"three_batches", 3 * ReportWriter::kTurnsPerBatch - 5}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(ReportWriterTest, DestroyedWithoutFinishKeepsTheBatchedTurns) {
  const std::string path = TempReportPath("r.db");
  {
    auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    (*writer)->OnTurn(TurnWithAttempts(2, 0, 1));
    (*writer)->OnTurn(TurnWithAttempts(1, 0, 2));
  }
  EXPECT_EQ(QueryRows(path, "SELECT session_id, turn_index FROM turn ORDER BY 1, 2"),
            (Rows{{"1", "0"}, {"2", "0"}}));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM llm_attempt"), (Rows{{"3"}}));
  EXPECT_EQ(QueryRows(path, "SELECT events_run FROM run"), (Rows{{"NULL"}}));
}

// Within a batch, rows are inserted in key order; a duplicate stops the insert on the second copy
// (the rows before it in key order are kept, with their attempts) and Finish reports its key.
TEST(ReportWriterTest, DuplicateTurnInABatchKeepsTheRowsBeforeItInKeyOrder) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  (*writer)->OnTurn(TurnWithAttempts(3, 0, 1));
  (*writer)->OnTurn(TurnWithAttempts(2, 5, 2));
  (*writer)->OnTurn(TurnWithAttempts(1, 0, 1));
  (*writer)->OnTurn(TurnWithAttempts(2, 5, 1));  // duplicate of the second
  auto finished = (*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall());
  ASSERT_FALSE(finished.has_value());
  EXPECT_EQ(finished.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(finished.error().message.find(path + ": insert into turn (session_id 2, turn_index 5)"),
            std::string::npos)
      << finished.error().message;
  EXPECT_EQ(QueryRows(path, "SELECT session_id, turn_index FROM turn ORDER BY 1, 2"),
            (Rows{{"1", "0"}, {"2", "5"}}));
  EXPECT_EQ(QueryRows(path, "SELECT session_id, turn_index, seq FROM llm_attempt ORDER BY 1, 2, 3"),
            (Rows{{"1", "0", "0"}, {"2", "5", "0"}, {"2", "5", "1"}}));
  EXPECT_EQ(QueryRows(path, "SELECT events_run FROM run"), (Rows{{"NULL"}}));
}

TEST(ReportWriterTest, DuplicateTurnAcrossBatchesIsReportedByFinish) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  for (std::size_t i = 0; i < ReportWriter::kTurnsPerBatch; ++i) {
    (*writer)->OnTurn(TurnWithAttempts(1, static_cast<int>(i), 0));
  }
  (*writer)->OnTurn(TurnWithAttempts(1, 7, 0));
  auto finished = (*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall());
  ASSERT_FALSE(finished.has_value());
  EXPECT_NE(finished.error().message.find("insert into turn (session_id 1, turn_index 7)"),
            std::string::npos)
      << finished.error().message;
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM turn"),
            (Rows{{std::to_string(ReportWriter::kTurnsPerBatch)}}));
}

// A turn refused before it reaches the batch (an id above INT64_MAX) still lets the turns
// batched before it reach the file.
TEST(ReportWriterTest, TurnAboveInt64MaxKeepsTheTurnsBeforeIt) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  (*writer)->OnTurn(TurnWithAttempts(1, 0, 1));
  TurnRecord big = TurnWithAttempts(2, 0, 0);
  big.spoken_text_bytes = std::numeric_limits<std::uint64_t>::max();
  (*writer)->OnTurn(big);
  (*writer)->OnTurn(TurnWithAttempts(3, 0, 0));  // dropped after the error
  auto finished = (*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall());
  ASSERT_FALSE(finished.has_value());
  EXPECT_NE(finished.error().message.find(
                "insert into turn (session_id 2, turn_index 0): spoken_text_bytes exceeds "
                "INT64_MAX"),
            std::string::npos)
      << finished.error().message;
  EXPECT_EQ(QueryRows(path, "SELECT session_id FROM turn"), (Rows{{"1"}}));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM llm_attempt"), (Rows{{"1"}}));
}

// Sessions arrive out of id order across more than one batch; each keeps its outcome rows.
TEST(ReportWriterTest, WritesEverySessionAndOutcomeAcrossBatches) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  const std::size_t sessions = 2 * ReportWriter::kSessionsPerBatch + 3;
  for (std::size_t i = 0; i < sessions; ++i) {
    SessionRecord s = testing_reports::MakeSession(sessions - i, "completed", 1);
    if (i % 2 == 0) s.outcomes = {{"task_completed", 1.0}, {"rating", static_cast<double>(i)}};
    (*writer)->OnSession(s);
  }
  ASSERT_TRUE((*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall()));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*), MIN(session_id), MAX(session_id) FROM session"),
            (Rows{{std::to_string(sessions), "1", std::to_string(sessions)}}));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM session_outcome"),
            (Rows{{std::to_string(2 * ((sessions + 1) / 2))}}));
  // The first session to arrive (id `sessions`, i = 0) has rating 0.
  EXPECT_EQ(QueryRows(path, "SELECT value FROM session_outcome WHERE session_id = " +
                                std::to_string(sessions) + " AND name = 'rating'"),
            (Rows{{"0.0"}}));
}

TEST(ReportWriterTest, DuplicateSessionInABatchKeepsTheRowsBeforeItInKeyOrder) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  SessionRecord s3 = testing_reports::MakeSession(3, "completed", 1);
  SessionRecord s1 = testing_reports::MakeSession(1, "completed", 1);
  s1.outcomes = {{"task_completed", 1.0}};
  SessionRecord s2 = testing_reports::MakeSession(2, "completed", 1);
  s2.outcomes = {{"task_completed", 0.0}};
  (*writer)->OnSession(s3);
  (*writer)->OnSession(s1);
  (*writer)->OnSession(s1);  // duplicate
  (*writer)->OnSession(s2);
  auto finished = (*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall());
  ASSERT_FALSE(finished.has_value());
  EXPECT_EQ(finished.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(finished.error().message.find(path + ": insert into session (session_id 1)"),
            std::string::npos)
      << finished.error().message;
  EXPECT_EQ(QueryRows(path, "SELECT session_id FROM session"), (Rows{{"1"}}));
  EXPECT_EQ(QueryRows(path, "SELECT session_id, name FROM session_outcome"),
            (Rows{{"1", "task_completed"}}));
}

TEST(ReportWriterTest, SessionIdAboveInt64MaxIsReportedByFinish) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  SessionRecord session = testing_reports::SampleSessions()[0];
  session.session_id = std::numeric_limits<std::uint64_t>::max();
  (*writer)->OnSession(session);
  auto finished = (*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall());
  ASSERT_FALSE(finished.has_value());
  EXPECT_EQ(finished.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(finished.error().message.find("session_id exceeds INT64_MAX"), std::string::npos)
      << finished.error().message;
}

TEST(ReportWriterTest, OpenReplacesAnExistingReportAndItsStaleJournal) {
  const std::string path = TempReportPath("r.db");
  SampleRun first;
  first.turns.resize(1);
  WriteRun(path, first);
  std::ofstream(path + "-journal") << "stale journal";
  WriteRun(path, SampleRun{});
  EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM turn"), (Rows{{"5"}}));
}

TEST(ReportWriterTest, OpenReplacesAnEmptyFile) {
  const std::string path = TempReportPath("r.db");
  std::ofstream{path};  // e.g. made by mktemp
  WriteRun(path, SampleRun{});
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM turn"), (Rows{{"5"}}));
}

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ReportWriterTest, OpenRefusesToReplaceAFileThatIsNotAReport) {
  // The user's repro: `agentsim run victim.json --report victim.json` overwrote the scenario.
  const std::string path = TempReportPath("victim.json");
  std::ofstream(path) << "{\"name\": \"victim\"}";
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(writer.error().message, path +
                                        ": refusing to replace it with the report: not an "
                                        "agentsim report (not an SQLite database)");
  EXPECT_EQ(FileText(path), "{\"name\": \"victim\"}");
}

TEST(ReportWriterTest, OpenRefusesToReplaceAnotherSqliteDatabase) {
  const std::string path = TempReportPath("other.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(writer.error().message,
            path +
                ": refusing to replace it with the report: not an agentsim report (an SQLite "
                "database with PRAGMA application_id 0, expected " +
                std::to_string(kReportApplicationId) + ")");
  EXPECT_EQ(QueryRows(path, "SELECT x FROM t"), (Rows{{"1"}}));
}

TEST(ReportWriterTest, OpenRefusesAPathThatIsNotARegularFile) {
  // The user's repro: as root, --report /dev/null replaced the device with a SQLite file.
  auto device = ReportWriter::Open("/dev/null", testing_reports::SampleRunInfo());
  ASSERT_FALSE(device.has_value());
  EXPECT_EQ(device.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(device.error().message,
            "/dev/null: refusing to write the report there: not a regular file");
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));

  const std::string fifo = TempReportPath("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto pipe = ReportWriter::Open(fifo, testing_reports::SampleRunInfo());
  ASSERT_FALSE(pipe.has_value());
  EXPECT_EQ(pipe.error().message,
            fifo + ": refusing to write the report there: not a regular file");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
}

TEST(ReportWriterTest, OpenInAMissingDirectoryNamesThePath) {
  const std::string path = TempReportPath("no_such_dir") + "/r.db";
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(writer.error().message.find(path), std::string::npos) << writer.error().message;
}

TEST(ReportWriterTest, OpenOnADirectoryIsInvalidArgument) {
  const std::string path = TempReportPath("a_dir");
  std::filesystem::create_directories(path);
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(writer.error().message.find(path), std::string::npos) << writer.error().message;
  EXPECT_TRUE(std::filesystem::is_directory(path));
}

TEST(ReportWriterTest, OpenWithAnEmptyPathIsInvalidArgument) {
  auto writer = ReportWriter::Open("", testing_reports::SampleRunInfo());
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace agentsim
