// Shared fixtures for the report tests: a small run with known sessions, turns and check
// failures, a helper that writes it, and a helper that reads rows back with the SQLite C API.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "core/agent/records.h"
#include "reports/report_writer.h"

namespace agentsim::testing_reports {

// A fresh path in the test temp directory, unique per test; any old file there is removed.
inline std::string TempReportPath(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string file = std::string("agentsim_") + info->test_suite_name() + "_" + info->name();
  for (char& c : file) {
    if (c == '/') c = '_';  // parameterised tests are named "Prefix/Suite.Test/Param"
  }
  std::string path = ::testing::TempDir() + file + "_" + name;
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  return path;
}

// Every row of `sql` on the database at `path`, values rendered as text (NULL as "NULL").
inline std::vector<std::vector<std::string>> QueryRows(const std::string& path,
                                                       const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return rows;
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string>& row = rows.emplace_back();
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
        row.emplace_back("NULL");
      } else {
        row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)));
      }
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

inline ReportWriter::RunInfo SampleRunInfo() {
  return {.scenario_name = "default",
          .scenario_sha256 = std::string(64, 'a'),
          .seed = 42,
          .parameters_json = R"({"sessions":3})",
          .agentsim_version = "0.1.0"};
}

inline ReportWriter::RunTotals SampleTotals() {
  return {.virtual_duration_us = 7'985'120'000,  // 2h 13m 05.120s
          .events_run = 1234,
          .sessions_started = 3,
          .turns_started = 5};
}

inline ReportWriter::WallClockInfo SampleWall() {
  return {.started_at_utc = "2024-05-01T12:00:00Z",
          .wall_time_ms = 840.0,
          .command_line = "agentsim run scenarios/default.json --seed 42"};
}

inline SessionRecord MakeSession(std::uint64_t id, std::string status, int turns) {
  SessionRecord s;
  s.session_id = id;
  s.user_id = "user-" + std::to_string(id);
  s.tenant_id = "tenant-a";
  s.agent_id = "support";
  s.config_version = "v3";
  s.conversation = "corpus";
  s.started_at_us = static_cast<Micros>(id) * 1'000'000;
  s.ended_at_us = s.started_at_us + 5'000'000;
  s.turns_planned = 3;
  s.turns_started = turns;
  s.turns_completed = turns;
  s.error = status == "completed" ? "" : "quota exceeded";
  s.status = std::move(status);
  return s;
}

// Sessions 1 and 2 completed, session 3 refused.
inline std::vector<SessionRecord> SampleSessions() {
  return {MakeSession(1, "completed", 2), MakeSession(2, "completed", 3),
          MakeSession(3, "refused", 0)};
}

inline TurnRecord MakeTurn(std::uint64_t session_id, int index, TurnOutcome outcome,
                           std::string_view why, Micros ttfa_us, Micros total_us) {
  TurnRecord t;
  t.session_id = session_id;
  t.turn_index = index;
  t.user_turn_end_us = static_cast<Micros>(session_id) * 1'000'000 + static_cast<Micros>(index) * 2'000'000;
  t.agent_id = "support";
  t.config_version = "v3";
  t.outcome = outcome;
  t.reason = std::string(why);
  t.validation_errors = why == reason::kValidationFailed ? 2 : 0;
  t.llm_calls = outcome == TurnOutcome::kFallback ? 2 : 1;
  t.output_tokens = 40 + index;
  t.published_fields = outcome == TurnOutcome::kStructured ? 3 : 0;
  t.user_text_bytes = 20;
  t.spoken_text_bytes = 60;
  t.audio_duration_us = 1'500'000;
  t.timings.config_fetch_us = 100;
  if (outcome != TurnOutcome::kError) {
    t.timings.llm_ttft_us = 300'000;
    t.timings.llm_total_us = 600'000;
    t.timings.parse_validate_us = 50;
    t.timings.tts_ttfb_us = 80'000;
  }
  if (outcome == TurnOutcome::kFallback) t.timings.fallback_llm_total_us = 500'000;
  t.timings.time_to_first_audio_us = ttfa_us;
  t.timings.turn_total_us = total_us;
  return t;
}

// Five turns: 2 structured, 2 fallback (not_json, validation_failed), 1 error (llm_error, no
// timings beyond the config fetch). Time to first audio 400/900/500/1000 ms and turn latency
// 700/1200/800/1500 ms over the four turns that produced audio.
inline std::vector<TurnRecord> SampleTurns() {
  return {
      MakeTurn(1, 0, TurnOutcome::kStructured, reason::kOk, 400'000, 700'000),
      MakeTurn(1, 1, TurnOutcome::kFallback, reason::kNotJson, 900'000, 1'200'000),
      MakeTurn(2, 0, TurnOutcome::kStructured, reason::kOk, 500'000, 800'000),
      MakeTurn(2, 1, TurnOutcome::kFallback, reason::kValidationFailed, 1'000'000, 1'500'000),
      MakeTurn(2, 2, TurnOutcome::kError, reason::kLlmError, -1, -1),
  };
}

inline std::vector<CheckFailure> SampleChecks() {
  return {{.at_us = 1'000'000,
           .check = "hidden_field_published",
           .subject = "session 1",
           .detail = "field internal_notes"},
          {.at_us = 9'000'000, .check = "root_unfinished", .subject = "task 7", .detail = ""}};
}

struct SampleRun {
  ReportWriter::RunInfo info = SampleRunInfo();
  std::vector<TurnRecord> turns = SampleTurns();
  std::vector<SessionRecord> sessions = SampleSessions();
  std::vector<CheckFailure> checks = SampleChecks();
  ReportWriter::RunTotals totals = SampleTotals();
  ReportWriter::WallClockInfo wall = SampleWall();
};

// Writes `run` to `path` in the order the simulator would (turns, then the sessions they belong
// to, check failures interleaved) and finishes the report; fails the test on any error.
inline void WriteRun(const std::string& path, const SampleRun& run) {
  auto writer = ReportWriter::Open(path, run.info);
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  for (const TurnRecord& turn : run.turns) (*writer)->OnTurn(turn);
  for (const CheckFailure& failure : run.checks) (*writer)->OnCheckFailure(failure);
  for (const SessionRecord& session : run.sessions) (*writer)->OnSession(session);
  auto finished = (*writer)->Finish(run.totals, run.wall);
  ASSERT_TRUE(finished.has_value()) << finished.error().ToString();
}

}  // namespace agentsim::testing_reports
