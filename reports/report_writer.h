// ReportWriter: the RecordSink that stores a run in one SQLite file (schema: report_schema.h and
// docs/report-schema.md). Rows go into SQLite through statements prepared once, inside
// transactions committed every kRowsPerTransaction rows or so. Turn rows and their stored attempts
// (llm_attempt_stored: only turns the llm_attempt view cannot derive, reports/derived_attempt.h)
// are held in memory for up to kTurnsPerBatch turns, session and session_outcome rows for up to
// kSessionsPerBatch sessions, and inserted by one statement per batch and table
// (`INSERT ... SELECT` from a batch virtual table, reports/batched_insert.h); the other rows are
// inserted as they arrive. A process killed mid-run loses its open transaction and batch, and its
// run row has NULL totals either way.
//
// Thread rules: single-threaded, like the simulation that feeds it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/agent/records.h"
#include "core/ports/clock.h"
#include "core/util/error.h"
#include "adapters/sqlite/sqlite_handle.h"
#include "reports/batched_insert.h"
#include "reports/routing_rows.h"
#include "reports/summary.h"

namespace agentsim {

// The three records below are also reachable as ReportWriter::RunInfo etc.

// Deterministic facts about the run, stored in the `run` row and covered by the digest.
struct RunInfo {
  std::string scenario_name;
  std::string scenario_sha256;  // lower-case hex of the scenario file
  std::uint64_t seed = 0;       // stored as TEXT in decimal (uint64 does not fit INTEGER)
  std::string parameters_json;
  std::string agentsim_version;
};

// Run totals, stored in the `run` row by Finish (NULL there until then).
struct RunTotals {
  Micros virtual_duration_us = 0;
  std::uint64_t events_run = 0;
  std::uint64_t sessions_started = 0;
  std::uint64_t turns_started = 0;
};

// Wall-clock facts, stored in the `run_wall` table and excluded from the digest.
struct WallClockInfo {
  std::string started_at_utc;  // ISO 8601, e.g. "2024-05-01T12:00:00Z"
  double wall_time_ms = 0;
  std::string command_line;
};

// Run-level statistics written once, before Finish (tables cache_level, cache_window,
// quota_refusal, counter; see docs/report-schema.md).
struct CacheLevelRow {
  std::string level;  // "L1", "L2", "L3"
  std::uint64_t hits = 0, misses = 0, expirations = 0, evictions = 0, coalesced_waits = 0,
                negative_hits = 0, errors = 0, loads = 0;
  Micros load_time_us = 0;
};
struct CacheWindowRow {
  Micros window_start_us = 0;
  std::string level;
  std::uint64_t hits = 0, misses = 0;
};
struct QuotaRefusalRow {
  std::string tenant_id;
  std::string resource;
  std::uint64_t refusals = 0;
};
struct RunStatistics {
  std::vector<CacheLevelRow> cache_levels;
  std::vector<CacheWindowRow> cache_windows;
  std::vector<QuotaRefusalRow> quota_refusals;
  std::vector<std::pair<std::string, std::int64_t>> counters;  // name -> value
  RoutingTables routing;  // reports/routing_rows.h
};

class ReportWriter final : public RecordSink {
 public:
  using RunInfo = agentsim::RunInfo;
  using RunTotals = agentsim::RunTotals;
  using WallClockInfo = agentsim::WallClockInfo;

  // Rows per batched transaction.
  static constexpr int kRowsPerTransaction = 10'000;
  // Turns held in memory (with their stored attempt rows) before they are inserted together, sorted
  // by primary key: ~30 MB at most (~450 B of values and text per turn), whatever the number of
  // sessions. Bigger batches put more of a session's turns next to each other, so fewer b-tree
  // pages split (callgrind load: 256 turns 20,150 Ir per turn, 4,096 turns 17,850; the full
  // interview load, 166,892 turns: 4,096 -> 65,536 took ~5% less CPU time, 1,024 ~15% more;
  // peak RSS 54 -> 62 MB, 58 MB with 9-byte values).
  static constexpr std::size_t kTurnsPerBatch = 65536;
  // Sessions held in memory (with their session_outcome rows) before they are inserted together.
  static constexpr std::size_t kSessionsPerBatch = 1024;

  // Creates the report at `path`, replacing an existing file (and any stale -journal/-wal/-shm
  // beside it), with journal_mode=OFF and synchronous=OFF (a failed run regenerates its report),
  // creates the schema and inserts the run row.
  // Errors: kInvalidArgument for an empty path or a directory; kUnavailable when the file cannot
  // be replaced, created or written. Messages name `path`.
  static Result<std::unique_ptr<ReportWriter>> Open(const std::string& path, const RunInfo& info);

  ReportWriter(const ReportWriter&) = delete;
  ReportWriter& operator=(const ReportWriter&) = delete;
  // Without Finish, commits the rows written so far (the run totals stay NULL) and closes.
  ~ReportWriter() override;

  // RecordSink. Each inserts one row (OnTurn, OnSession: into a batch, inserted when it is full,
  // by Finish, or on destruction). The first failure (SQLite error, a duplicate primary key, an id above
  // INT64_MAX) is remembered and returned by Finish; the rows that arrived before the failing one
  // are kept (within a batch: the rows before it in key order, with their attempts or outcomes),
  // later rows are dropped. Calls after Finish are ignored.
  void OnTurn(const TurnRecord& turn) override;
  void OnSession(const SessionRecord& session) override;
  void OnCheckFailure(const CheckFailure& failure) override;

  // Inserts the run statistics (once, before Finish). Errors: kFailedPrecondition after Finish
  // or on a second call; SQLite errors (also remembered for Finish).
  Status WriteStatistics(const RunStatistics& statistics);

  // Stores `totals` in the run row, inserts the run_wall row, commits and closes the file.
  // Returns the first error remembered while writing, else any error from these steps; after an
  // error the rows written before it are still committed but the totals and run_wall are not.
  // The file is closed in every case. Errors: kFailedPrecondition when called a second time.
  Status Finish(const RunTotals& totals, const WallClockInfo& wall);

  const std::string& path() const { return path_; }
  // The summary's session and turn lines over every session and turn row written (the calls
  // that stored a row): for ReadSummary(path, &row_tally()) after Finish, instead of reading
  // those tables back.
  RowTally& row_tally() { return row_tally_; }

 private:
  explicit ReportWriter(std::string path);

  Status Initialise(const RunInfo& info);
  // Steps `stmt` (parameters bound; `bind_rc` is the first binding result, which skips the step
  // when not SQLITE_OK) and resets it (bindings are not cleared: every insert rebinds all its
  // parameters); commits and begins a new transaction every kRowsPerTransaction rows. Returns the step's result code (SQLITE_DONE on success).
  int StepInsert(sqlite3_stmt* stmt, int bind_rc);
  // Counts `rows` inserted rows; commits and begins a new transaction every kRowsPerTransaction.
  void CountRows(std::size_t rows);
  // Inserts the batched turn, llm_attempt_stored, session and session_outcome rows (one
  // statement per table) and empties the batches. On a failing turn (session) row, the attempts (outcomes) of
  // the rows before it are still inserted. Errors are remembered. No-op after an error.
  void FlushBatches();
  // Appends `turn`'s attempts to the llm_attempt_stored batch (seq 0, 1, ...).
  void AppendAttempts(const TurnRecord& turn);
  // Remembers the first error, after inserting the batched rows that arrived before it.
  void Remember(Error error);
  // The routing tables (routing_writer.cc). Errors: SQLite's.
  Status WriteRoutingTables(const RoutingTables& tables);
  bool CanWrite() const { return db_ != nullptr && !error_.has_value(); }
  // Finalises the statements and closes the file, first committing the open transaction when
  // `commit` (rows written so far are kept). Errors are remembered.
  void Close(bool commit);

  std::string path_;
  RowTally row_tally_;
  // The batched rows and their inserts: declared before db_, destroyed after it (Close
  // finalises their statements first).
  BatchedInsert turns_;     // turn rows and their llm_attempt_stored rows
  BatchedInsert sessions_;  // session rows and their session_outcome rows
  bool flushing_ = false;
  sqlite::DbPtr db_;  // declared before the statements: destroyed after them
  sqlite::StmtPtr insert_check_;
  int rows_in_transaction_ = 0;
  std::int64_t next_check_seq_ = 1;
  bool finished_ = false;
  bool statistics_written_ = false;
  std::optional<Error> error_;
};

}  // namespace agentsim
