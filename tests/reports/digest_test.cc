#include "reports/digest.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "tests/reports/report_test_util.h"

namespace agentsim {
namespace {

using testing_reports::SampleRun;
using testing_reports::TempReportPath;
using testing_reports::WriteRun;

// The sample run's digest, cross-checked with the reference Python implementation in
// docs/report-schema.md.
constexpr char kPinnedSampleDigest[] =
    "ba053905ffb4e3898088843f31da8488b513c77fca50f433e42ff647564455b3";

std::string DigestOf(const SampleRun& run, const std::string& name) {
  const std::string path = TempReportPath(name);
  WriteRun(path, run);
  auto digest = ComputeReportDigest(path);
  EXPECT_TRUE(digest.has_value()) << digest.error().ToString();
  return digest.value_or("");
}

TEST(ReportDigestTest, IsLowerCaseHexSha256) {
  const std::string digest = DigestOf(SampleRun{}, "a.db");
  ASSERT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos) << digest;
}

// Pins the serialisation: update deliberately (and note it in docs/report-schema.md) when the
// schema or the digest format changes.
TEST(ReportDigestTest, MatchesThePinnedValueForTheSampleRun) {
  EXPECT_EQ(DigestOf(SampleRun{}, "a.db"), kPinnedSampleDigest);
}

TEST(ReportDigestTest, IsStableAcrossTwoWritesOfTheSameRecords) {
  EXPECT_EQ(DigestOf(SampleRun{}, "a.db"), DigestOf(SampleRun{}, "b.db"));
}

TEST(ReportDigestTest, IgnoresWallClockFacts) {
  SampleRun other;
  other.wall = {.started_at_utc = "2031-01-01T00:00:00Z",
                .wall_time_ms = 12345.678,
                .command_line = "agentsim run elsewhere.json"};
  EXPECT_EQ(DigestOf(SampleRun{}, "a.db"), DigestOf(other, "b.db"));
}

TEST(ReportDigestTest, IgnoresInsertionOrderOfKeyedRows) {
  SampleRun reversed;
  std::reverse(reversed.turns.begin(), reversed.turns.end());
  std::reverse(reversed.sessions.begin(), reversed.sessions.end());
  EXPECT_EQ(DigestOf(SampleRun{}, "a.db"), DigestOf(reversed, "b.db"));
}

// The sample's turns with LLM attempts: the first structured turn one plain try (the
// llm_attempt view derives it), the first fallback turn a failed try and the plain-text call
// (stored).
std::vector<TurnRecord> TurnsWithAttempts() {
  std::vector<TurnRecord> turns = testing_reports::SampleTurns();
  TurnRecord& plain = turns[0];
  plain.llm_provider = "openai";
  plain.llm_attempts = {{0, "openai", 0, 0, AttemptOutcome::kOk,
                         plain.user_turn_end_us + plain.timings.config_fetch_us,
                         plain.timings.llm_total_us}};
  TurnRecord& retried = turns[1];
  retried.llm_provider = "openai";
  retried.llm_attempts = {{0, "openai", 0, 0, AttemptOutcome::kError, 3'000'100, 20'000},
                          {1, "openai", 0, 0, AttemptOutcome::kOk, 3'700'000, 500'000}};
  return turns;
}

struct Mutation {
  std::string name;
  std::function<void(SampleRun&)> apply;
};

void PrintTo(const Mutation& c, std::ostream* os) { *os << c.name; }

class ReportDigestChangeTest : public testing::TestWithParam<Mutation> {};

TEST_P(ReportDigestChangeTest, ChangesWhenContentChanges) {
  SampleRun changed;
  GetParam().apply(changed);
  EXPECT_NE(DigestOf(SampleRun{}, "a.db"), DigestOf(changed, "b.db"));
}

INSTANTIATE_TEST_SUITE_P(
    Mutations, ReportDigestChangeTest,
    testing::Values(
        Mutation{"TurnTimingPlusOneMicro",
                 [](SampleRun& r) { r.turns[1].timings.tts_ttfb_us += 1; }},
        Mutation{"NullBecomesZero", [](SampleRun& r) { r.turns[4].timings.llm_ttft_us = 0; }},
        Mutation{"TurnOutcome", [](SampleRun& r) { r.turns[0].outcome = TurnOutcome::kFallback; }},
        Mutation{"TextMovesBetweenColumns",
                 [](SampleRun& r) {
                   r.sessions[0].user_id += "x";
                   r.sessions[0].tenant_id.erase(0, 1);
                 }},
        Mutation{"SessionStatus", [](SampleRun& r) { r.sessions[2].status = "error"; }},
        Mutation{"ExtraCheckFailure", [](SampleRun& r) { r.checks.push_back({}); }},
        Mutation{"CheckFailureOrder", [](SampleRun& r) { std::swap(r.checks[0], r.checks[1]); }},
        Mutation{"Seed", [](SampleRun& r) { r.info.seed = 43; }},
        Mutation{"RunTotals", [](SampleRun& r) { r.totals.events_run += 1; }},
        Mutation{"MissingTurn", [](SampleRun& r) { r.turns.pop_back(); }},
        // The llm_attempt view's derived row (one plain try) and a stored one: both hashed.
        Mutation{"DerivedAttemptLonger",
                 [](SampleRun& r) {
                   r.turns = TurnsWithAttempts();
                   r.turns[0].timings.llm_total_us += 1;
                   r.turns[0].llm_attempts[0].duration_us += 1;
                 }},
        Mutation{"StoredAttemptOutcome",
                 [](SampleRun& r) {
                   r.turns = TurnsWithAttempts();
                   r.turns[1].llm_attempts[0].outcome = AttemptOutcome::kTimeout;
                 }}),
    [](const testing::TestParamInfo<Mutation>& param_info) { return param_info.param.name; });

// Version 4 stored llm_attempt as a table; version 5 derives its common rows in a view. A
// version 4 file with the same rows is still read, with the same digest.
TEST(ReportDigestTest, ReadsAVersion4ReportWithTheSameDigest) {
  SampleRun run;
  run.turns = TurnsWithAttempts();
  const std::string path = TempReportPath("v4.db");
  WriteRun(path, run);
  auto v5 = ComputeReportDigest(path);
  ASSERT_TRUE(v5.has_value()) << v5.error().ToString();
  ASSERT_EQ(testing_reports::QueryRows(path, "SELECT COUNT(*) FROM llm_attempt_stored"),
            (std::vector<std::vector<std::string>>{{"2"}}));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE v4 AS SELECT * FROM llm_attempt; DROP VIEW llm_attempt; "
                         "DROP TABLE llm_attempt_stored; ALTER TABLE v4 RENAME TO llm_attempt; "
                         "PRAGMA user_version = 4;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  EXPECT_EQ(testing_reports::QueryRows(path, "SELECT type, COUNT(*) FROM sqlite_schema WHERE name "
                                             "LIKE 'llm_attempt%' GROUP BY type"),
            (std::vector<std::vector<std::string>>{{"table", "1"}}));
  auto v4 = ComputeReportDigest(path);
  ASSERT_TRUE(v4.has_value()) << v4.error().ToString();
  EXPECT_EQ(*v4, *v5);
}

// Versions this build cannot read: the message says which it can.
TEST(ReportDigestTest, RefusesSchemaVersionsOutsideFourToFive) {
  for (const int version : {3, 6}) {
    const std::string path = TempReportPath("v" + std::to_string(version) + ".db");
    WriteRun(path, SampleRun{});
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string sql = "PRAGMA user_version = " + std::to_string(version);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto digest = ComputeReportDigest(path);
    ASSERT_FALSE(digest.has_value()) << version;
    EXPECT_EQ(digest.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(digest.error().message,
              path + ": unsupported report schema version: PRAGMA user_version is " +
                  std::to_string(version) + ", expected 4 or 5");
  }
}

// A report cut short by less than a page still opens in SQLite (the rest reads as zeros): it is
// refused, naming both sizes. Its full length reads.
TEST(ReportDigestTest, RefusesATruncatedReport) {
  const std::string path = TempReportPath("cut.db");
  SampleRun run;
  run.turns = TurnsWithAttempts();
  WriteRun(path, run);
  const std::uintmax_t size = std::filesystem::file_size(path);
  ASSERT_EQ(size % 16384, 0u);
  ASSERT_TRUE(ComputeReportDigest(path).has_value());
  std::filesystem::resize_file(path, size - 4096);
  auto digest = ComputeReportDigest(path);
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(digest.error().message,
            path + ": truncated report: the file has " + std::to_string(size - 4096) +
                " bytes, its header counts " + std::to_string(size / 16384) +
                " pages of 16384 bytes (" + std::to_string(size) +
                "): a partial copy, or a damaged header; run the scenario again");
}

// Cut at a page boundary, SQLite itself says only "database disk image is malformed": the header's
// page count names the truncation first. Cut inside the header, the start of SQLite's magic
// string still names it; an empty file is no report.
TEST(ReportDigestTest, RefusesAReportCutAtAPageBoundary) {
  const std::string path = TempReportPath("cut_page.db");
  SampleRun run;
  run.turns = TurnsWithAttempts();
  WriteRun(path, run);
  const std::uintmax_t size = std::filesystem::file_size(path);
  ASSERT_GE(size, 3u * 16384);
  std::filesystem::resize_file(path, size - 16384);
  auto digest = ComputeReportDigest(path);
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().message,
            path + ": truncated report: the file has " + std::to_string(size - 16384) +
                " bytes, its header counts " + std::to_string(size / 16384) +
                " pages of 16384 bytes (" + std::to_string(size) +
                "): a partial copy, or a damaged header; run the scenario again");
  std::filesystem::resize_file(path, 16384);
  digest = ComputeReportDigest(path);
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().message,
            path + ": truncated report: the file has 16384 bytes, its header counts " +
                std::to_string(size / 16384) + " pages of 16384 bytes (" + std::to_string(size) +
                "): a partial copy, or a damaged header; run the scenario again");
  std::filesystem::resize_file(path, 100);
  digest = ComputeReportDigest(path);
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().message,
            path + ": truncated report: the file has 100 bytes, its header counts " +
                std::to_string(size / 16384) + " pages of 16384 bytes (" + std::to_string(size) +
                "): a partial copy, or a damaged header; run the scenario again");

  // Cut inside the header: what is left still starts as an SQLite database.
  for (std::uintmax_t cut : {99u, 72u, 16u, 5u}) {
    std::filesystem::resize_file(path, cut);
    digest = ComputeReportDigest(path);
    ASSERT_FALSE(digest.has_value());
    EXPECT_EQ(digest.error().message,
              path + ": truncated report: the file has " + std::to_string(cut) +
                  " bytes, less than an SQLite database header (100); run the scenario again");
  }
  std::filesystem::resize_file(path, 0);
  digest = ComputeReportDigest(path);
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().message, path + ": not an agentsim report (an empty file)");
}

TEST(Sha256HexTest, MatchesKnownAnswers) {
  // FIPS 180-2 / NIST test vectors.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
  };
  for (const auto& [input, expected] : cases) EXPECT_EQ(Sha256Hex(input), expected) << input;
}

TEST(ReportDigestTest, MissingFileIsNotFoundAndNamesThePath) {
  const std::string path = TempReportPath("missing.db");
  auto digest = ComputeReportDigest(path);
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().code, ErrorCode::kNotFound);
  EXPECT_NE(digest.error().message.find(path), std::string::npos) << digest.error().message;
}

struct NotAReportCase {
  std::string name;
  std::string contents;  // written to the file; "sqlite:" prefix runs SQL on a fresh database
};

void PrintTo(const NotAReportCase& c, std::ostream* os) { *os << c.name; }

class ReportDigestNotAReportTest : public testing::TestWithParam<NotAReportCase> {};

TEST_P(ReportDigestNotAReportTest, IsInvalidArgumentAndNamesThePath) {
  const std::string path = TempReportPath(GetParam().name);
  const std::string& contents = GetParam().contents;
  if (contents.rfind("sqlite:", 0) == 0) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, contents.c_str() + 7, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  } else {
    std::ofstream(path) << contents;
  }
  auto digest = ComputeReportDigest(path);
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().code, ErrorCode::kInvalidArgument) << digest.error().ToString();
  EXPECT_NE(digest.error().message.find(path), std::string::npos) << digest.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Files, ReportDigestNotAReportTest,
    testing::Values(NotAReportCase{"TextFile", "scenario: default\nthis is not a database\n"},
                    NotAReportCase{"EmptyFile", ""},
                    NotAReportCase{"OtherSqliteDatabase", "sqlite:CREATE TABLE t (x INTEGER);"},
                    NotAReportCase{
                        "OtherSchemaVersion",
                        "sqlite:PRAGMA application_id = 1095193421; PRAGMA user_version = 2;"},
                    NotAReportCase{"ReportWithoutTables",
                                   "sqlite:PRAGMA application_id = 1095193421; "
                                   "PRAGMA user_version = 1;"}),
    [](const testing::TestParamInfo<NotAReportCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace agentsim
