// The llm_attempt view (schema version 5): a turn whose one attempt the view derives from the
// turn row is stored without it (reports/derived_attempt.h); every other turn's attempts are
// stored in llm_attempt_stored. Either way `SELECT * FROM llm_attempt` lists exactly the turn's
// attempts.
#include "reports/derived_attempt.h"

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/report_writer.h"
#include "tests/reports/report_test_util.h"

namespace agentsim {
namespace {

using testing_reports::QueryRows;
using testing_reports::TempReportPath;
using Rows = std::vector<std::vector<std::string>>;

// MakeTurn's session 3, turn 1: user_turn_end_us 5,000,000, config_fetch_us 100, llm_total_us
// 600,000. With one plain attempt that the view derives exactly.
TurnRecord PlainTurn() {
  TurnRecord t = testing_reports::MakeTurn(3, 1, TurnOutcome::kStructured, reason::kOk, 400'000,
                                           700'000);
  t.llm_provider = "openai";
  t.llm_attempts = {{.call = 0,
                     .provider = "openai",
                     .attempt = 0,
                     .delay_us = 0,
                     .outcome = AttemptOutcome::kOk,
                     .started_at_us = 5'000'100,
                     .duration_us = 600'000}};
  return t;
}

struct DerivedCase {
  std::string name;
  std::function<void(TurnRecord&)> change;  // applied to PlainTurn()
  bool derived;                             // IsDerivedAttempt, and no stored row
};

void PrintTo(const DerivedCase& c, std::ostream* os) { *os << c.name; }

class DerivedAttemptTest : public ::testing::TestWithParam<DerivedCase> {};

// The view's rows, as QueryRows prints them, of `turn`'s attempts.
Rows AttemptRows(const TurnRecord& turn) {
  Rows rows;
  int seq = 0;
  for (const LlmAttempt& a : turn.llm_attempts) {
    rows.push_back({std::to_string(turn.session_id), std::to_string(turn.turn_index),
                    std::to_string(seq++), std::to_string(a.call), a.provider,
                    std::to_string(a.attempt), std::to_string(a.delay_us),
                    std::string(AttemptOutcomeName(a.outcome)), std::to_string(a.started_at_us),
                    std::to_string(a.duration_us)});
  }
  return rows;
}

TEST_P(DerivedAttemptTest, ViewListsExactlyTheTurnsAttempts) {
  const DerivedCase& c = GetParam();
  TurnRecord turn = PlainTurn();
  c.change(turn);
  EXPECT_EQ(IsDerivedAttempt(turn), c.derived);

  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  (*writer)->OnTurn(turn);
  ASSERT_TRUE((*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall()));

  const std::size_t stored = c.derived ? 0 : turn.llm_attempts.size();
  EXPECT_EQ(QueryRows(path, "SELECT COUNT(*) FROM llm_attempt_stored"),
            (Rows{{std::to_string(stored)}}));
  EXPECT_EQ(QueryRows(path, "SELECT * FROM llm_attempt ORDER BY session_id, turn_index, seq"),
            AttemptRows(turn));
  // The view's values are INTEGER and TEXT, as the stored table's (the digest hashes the type).
  EXPECT_EQ(QueryRows(path, "SELECT typeof(seq) || typeof(call) || typeof(provider) || "
                            "typeof(attempt) || typeof(delay_us) || typeof(outcome) || "
                            "typeof(started_at_us) || typeof(duration_us) FROM llm_attempt"),
            turn.llm_attempts.empty()
                ? Rows{}
                : Rows(turn.llm_attempts.size(),
                       {"integerintegertextintegerintegertextintegerinteger"}));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DerivedAttemptTest,
    ::testing::Values(
        DerivedCase{"plain_try", [](TurnRecord&) {}, true},
        DerivedCase{"fetch_not_run_sent_at_turn_end",
                    [](TurnRecord& turn) {
                      turn.timings.config_fetch_us = -1;
                      turn.llm_attempts[0].started_at_us = 5'000'000;
                    },
                    true},
        DerivedCase{"fetch_not_run_sent_later",
                    [](TurnRecord& turn) { turn.timings.config_fetch_us = -1; }, false},
        DerivedCase{"sent_after_the_fetch_ended",
                    [](TurnRecord& turn) { turn.llm_attempts[0].started_at_us = 5'000'101; },
                    false},
        DerivedCase{"another_provider_answered",
                    [](TurnRecord& turn) { turn.llm_provider = "anthropic"; }, false},
        DerivedCase{"duration_not_the_llm_total",
                    [](TurnRecord& turn) { turn.llm_attempts[0].duration_us = 599'999; }, false},
        DerivedCase{"llm_total_not_recorded",
                    [](TurnRecord& turn) { turn.timings.llm_total_us = -1; }, false},
        DerivedCase{"failed_try",
                    [](TurnRecord& turn) { turn.llm_attempts[0].outcome = AttemptOutcome::kError; },
                    false},
        DerivedCase{"refused_by_the_breaker",
                    [](TurnRecord& turn) {
                      turn.llm_attempts[0].outcome = AttemptOutcome::kBreakerOpen;
                      turn.llm_attempts[0].duration_us = 0;
                    },
                    false},
        DerivedCase{"after_a_backoff",
                    [](TurnRecord& turn) { turn.llm_attempts[0].delay_us = 1; }, false},
        DerivedCase{"second_try_only", [](TurnRecord& turn) { turn.llm_attempts[0].attempt = 1; },
                    false},
        DerivedCase{"plain_text_call", [](TurnRecord& turn) { turn.llm_attempts[0].call = 1; },
                    false},
        DerivedCase{"two_calls",
                    [](TurnRecord& turn) {
                      turn.llm_attempts.push_back(turn.llm_attempts[0]);
                      turn.llm_attempts[1].call = 1;
                      turn.llm_attempts[1].started_at_us = 5'700'000;
                      turn.llm_attempts[1].duration_us = 200'000;
                    },
                    false},
        DerivedCase{"no_call", [](TurnRecord& turn) { turn.llm_attempts.clear(); }, false}),
    [](const auto& param_info) { return param_info.param.name; });

// Derived and stored turns side by side, across sessions: each turn's attempts once, in order.
TEST(DerivedAttemptMixTest, ViewInterleavesDerivedAndStoredTurnsInKeyOrder) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  TurnRecord retried = PlainTurn();  // (3, 1): a rate-limited try, then the plain one
  retried.llm_attempts.insert(retried.llm_attempts.begin(),
                              {0, "openai", 0, 0, AttemptOutcome::kRateLimited, 5'000'100, 10});
  retried.llm_attempts[1].attempt = 1;
  TurnRecord plain = PlainTurn();  // (3, 0)
  plain.turn_index = 0;
  plain.user_turn_end_us = 3'000'000;
  plain.llm_attempts[0].started_at_us = 3'000'100;
  TurnRecord other = PlainTurn();  // (2, 1)
  other.session_id = 2;
  other.user_turn_end_us = 5'000'000;
  for (const TurnRecord* t : {&retried, &plain, &other}) (*writer)->OnTurn(*t);
  ASSERT_TRUE((*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall()));

  Rows expected = AttemptRows(other);
  for (const TurnRecord* t : {&plain, &retried}) {
    for (auto& row : AttemptRows(*t)) expected.push_back(row);
  }
  EXPECT_EQ(QueryRows(path, "SELECT * FROM llm_attempt ORDER BY session_id, turn_index, seq"),
            expected);
  EXPECT_EQ(QueryRows(path, "SELECT session_id, turn_index, seq FROM llm_attempt_stored"),
            (Rows{{"3", "1", "0"}, {"3", "1", "1"}}));
  // Filtering the view by a turn gives that turn's attempts only.
  EXPECT_EQ(QueryRows(path, "SELECT seq, outcome FROM llm_attempt WHERE session_id = 3 AND "
                            "turn_index = 1 ORDER BY seq"),
            (Rows{{"0", "rate_limited"}, {"1", "ok"}}));
}

// The view has the stored table's columns, in order, with their declared types (tools that read
// declared types see the version 4 table's).
TEST(DerivedAttemptMixTest, ViewHasTheStoredTablesColumnsAndDeclaredTypes) {
  const std::string path = TempReportPath("r.db");
  testing_reports::WriteRun(path, testing_reports::SampleRun{});
  const Rows columns = {{"session_id", "INTEGER"}, {"turn_index", "INTEGER"},
                        {"seq", "INTEGER"},        {"call", "INTEGER"},
                        {"provider", "TEXT"},      {"attempt", "INTEGER"},
                        {"delay_us", "INTEGER"},   {"outcome", "TEXT"},
                        {"started_at_us", "INTEGER"}, {"duration_us", "INTEGER"}};
  EXPECT_EQ(QueryRows(path, "SELECT name, type FROM pragma_table_info('llm_attempt_stored')"),
            columns);
  EXPECT_EQ(QueryRows(path, "SELECT name, type FROM pragma_table_info('llm_attempt')"), columns);
}

}  // namespace
}  // namespace agentsim
