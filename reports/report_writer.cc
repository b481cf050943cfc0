#include "reports/report_writer.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>
#include <utility>

#include "reports/derived_attempt.h"
#include "reports/report_schema.h"

namespace agentsim {
namespace {

// The columns of the turn and llm_attempt_stored batches: the tables' columns, in table order.
constexpr std::string_view kTurnColumns =
    "session_id, turn_index, user_turn_end_us, agent_id, config_version, outcome, reason, "
    "validation_errors, llm_calls, output_tokens, published_fields, user_text_bytes, "
    "spoken_text_bytes, audio_duration_us, config_fetch_us, llm_ttft_us, llm_total_us, "
    "parse_validate_us, fallback_llm_total_us, tts_ttfb_us, time_to_first_audio_us, "
    "turn_total_us, llm_provider, llm_attempts, text_only, coercions, coercion_kinds, "
    "text_field_ready_us, interrupted, sentiment_filled, speaking_rate_bytes_per_s";
constexpr int kTurnColumnCount = 31;
constexpr std::string_view kAttemptColumns =
    "session_id, turn_index, seq, call, provider, attempt, delay_us, outcome, started_at_us, "
    "duration_us";
constexpr int kAttemptColumnCount = 10;
constexpr std::string_view kSessionColumns =
    "session_id, user_id, tenant_id, agent_id, config_version, conversation, started_at_us, "
    "ended_at_us, turns_planned, turns_started, turns_completed, status, error, route, route_key, "
    "variant, feature_flags";
constexpr int kSessionColumnCount = 17;
constexpr std::string_view kOutcomeColumns = "session_id, name, value";
constexpr int kOutcomeColumnCount = 3;
constexpr std::string_view kInsertCheckSql =
    "INSERT INTO check_failure (seq, at_us, check_name, subject, detail) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kInsertRunSql =
    "INSERT INTO run (run_id, scenario_name, scenario_sha256, seed, parameters_json, "
    "agentsim_version) VALUES (1, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdateRunSql =
    "UPDATE run SET virtual_duration_us = ?, events_run = ?, sessions_started = ?, "
    "turns_started = ? WHERE run_id = 1";
constexpr std::string_view kInsertRunWallSql =
    "INSERT INTO run_wall (started_at_utc, wall_time_ms, command_line) VALUES (?, ?, ?)";

// Binds parameters 1, 2, ... in call order; remembers the first failing bind result and the
// first unsigned field that does not fit INTEGER. Text is bound SQLITE_STATIC: the caller steps
// before the bound strings go away.
class Binder {
 public:
  explicit Binder(sqlite3_stmt* stmt) : stmt_(stmt) {}

  void Int(std::int64_t value) { Check(sqlite3_bind_int64(stmt_, ++index_, value)); }
  void Real(double value) { Check(sqlite3_bind_double(stmt_, ++index_, value)); }
  void Text(std::string_view value) {
    Check(sqlite3_bind_text64(stmt_, ++index_, value.data(), value.size(), SQLITE_STATIC,
                              SQLITE_UTF8));
  }
  // -1 ("stage did not run") is stored as NULL.
  void Null() { Check(sqlite3_bind_null(stmt_, ++index_)); }
  void Duration(Micros value) {
    if (value == -1) {
      Check(sqlite3_bind_null(stmt_, ++index_));
    } else {
      Int(value);
    }
  }
  void Unsigned(std::uint64_t value, std::string_view field) {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      if (overflow_field_.empty()) overflow_field_ = field;
      Check(sqlite3_bind_null(stmt_, ++index_));
    } else {
      Int(static_cast<std::int64_t>(value));
    }
  }

  int rc() const { return rc_; }
  std::string_view overflow_field() const { return overflow_field_; }

 private:
  void Check(int rc) {
    if (rc_ == SQLITE_OK) rc_ = rc;
  }

  sqlite3_stmt* stmt_;
  int index_ = 0;
  int rc_ = SQLITE_OK;
  std::string_view overflow_field_;
};

// Steps `stmt` unless a bind failed (`bind_rc`), then resets it. The bindings are not cleared
// (sqlite3_clear_bindings cost ~900 instructions per turn): every insert binds all of its
// parameters (a Binder binds each one, NULL included) before each step.
// Returns the step's result code (SQLITE_DONE on success) or `bind_rc`.
int StepAndReset(sqlite3_stmt* stmt, int bind_rc) {
  const int rc = bind_rc == SQLITE_OK ? sqlite3_step(stmt) : bind_rc;
  sqlite3_reset(stmt);
  return rc;
}

std::string TurnKey(std::uint64_t session_id, std::int64_t turn_index) {
  return "insert into turn (session_id " + std::to_string(session_id) + ", turn_index " +
         std::to_string(turn_index) + ")";
}

std::string KeyOf(const TurnRecord& turn) { return TurnKey(turn.session_id, turn.turn_index); }

// The turn key of batch row `row` (columns 0 and 1: session_id, turn_index).
std::string KeyOfBatchRow(const RowBatch& batch, std::size_t row) {
  if (row >= batch.rows()) return "insert of a batch";
  return TurnKey(static_cast<std::uint64_t>(batch.At(row, 0).integer), batch.At(row, 1).integer);
}

constexpr std::uint64_t kMaxInteger =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

std::string KeyOf(const SessionRecord& session) {
  return "insert into session (session_id " + std::to_string(session.session_id) + ")";
}

std::string KeyOf(std::int64_t check_seq) {
  return "insert into check_failure (seq " + std::to_string(check_seq) + ")";
}

// What an existing regular file is, from its first 100 bytes (the SQLite database header:
// "SQLite format 3\0", then the application_id as a big-endian 32-bit integer at offset 68).
// Read directly rather than through SQLite, which would try to roll back a stale journal.
// Empty when it is an agentsim report, else why it is not.
std::string WhyNotAReport(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 100> header{};
  if (!in.read(reinterpret_cast<char*>(header.data()), header.size())) {
    return in.eof() ? "not an SQLite database" : "cannot read it";  // eof: shorter than a header
  }
  constexpr std::string_view kMagic{"SQLite format 3\0", 16};
  if (!std::equal(kMagic.begin(), kMagic.end(), header.begin(),
                  [](char m, unsigned char h) { return static_cast<unsigned char>(m) == h; })) {
    return "not an SQLite database";
  }
  const std::uint32_t id = (std::uint32_t{header[68]} << 24) | (std::uint32_t{header[69]} << 16) |
                           (std::uint32_t{header[70]} << 8) | std::uint32_t{header[71]};
  if (static_cast<std::int32_t>(id) == kReportApplicationId) return "";
  return "an SQLite database with PRAGMA application_id " +
         std::to_string(static_cast<std::int32_t>(id)) + ", expected " +
         std::to_string(kReportApplicationId);
}

// Whether Open may delete what is at `path`: nothing, an empty regular file, or an agentsim
// report (any schema version). Anything else is refused, so that a mistyped --report never
// destroys a scenario, another database or a device such as /dev/null.
Status CheckReplaceable(const std::string& path) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) return {};
  if (ec) return Unavailable(path + ": cannot write the report: " + ec.message());
  if (status.type() == std::filesystem::file_type::directory) {
    return InvalidArgument(path + ": cannot write the report: it is a directory");
  }
  if (status.type() != std::filesystem::file_type::regular) {
    return InvalidArgument(path + ": refusing to write the report there: not a regular file");
  }
  if (std::filesystem::file_size(path, ec) == 0 && !ec) return {};
  if (std::string why = WhyNotAReport(path); !why.empty()) {
    return InvalidArgument(
        path + ": refusing to replace it with the report: not an agentsim report (" + why + ")");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<ReportWriter>> ReportWriter::Open(const std::string& path,
                                                         const RunInfo& info) {
  if (path.empty()) return InvalidArgument("report path is empty");
  if (Status replaceable = CheckReplaceable(path); !replaceable) {
    return std::unexpected(std::move(replaceable.error()));
  }
  // A stale journal beside a new file could be replayed into it: remove those too.
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, ec);
    if (ec) return Unavailable(path + suffix + ": cannot replace the report: " + ec.message());
  }
  std::unique_ptr<ReportWriter> writer(new ReportWriter(path));
  if (auto status = writer->Initialise(info); !status) {
    writer->Close(/*commit=*/false);  // a half-made file stays uncommitted
    return std::unexpected(std::move(status.error()));
  }
  return writer;
}

ReportWriter::ReportWriter(std::string path)
    : path_(std::move(path)),
      turns_(kTurnColumnCount, /*key_columns=*/2, kAttemptColumnCount),
      sessions_(kSessionColumnCount, /*key_columns=*/1, kOutcomeColumnCount) {
  // A full batch's values and text (its six texts take ~60 bytes a turn) without regrowing.
  turns_.parent().Reserve(kTurnsPerBatch, kTurnsPerBatch * 64);
}

ReportWriter::~ReportWriter() { Close(/*commit=*/true); }

Status ReportWriter::Initialise(const RunInfo& info) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path_.c_str(), &raw,
                      // One thread uses the connection: no per-call mutex.
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    Error error = sqlite::MakeSqliteError(db_.get(), rc, path_, "cannot create the report");
    error.code = ErrorCode::kUnavailable;
    db_.reset();
    return std::unexpected(std::move(error));
  }
  // cache_size: up to 4 MiB of pages (-KiB). Each batch's rows, sorted by key, reach a narrow
  // band of the b-trees (the sessions that ran during it), which 4 MiB holds: the interview load
  // re-reads 194 pages from the OS's cache (71 with 64 MiB). 64 MiB, which held the whole 27 MB
  // report, put ~5,000 more first-touched pages (page faults) in each such run
  // (docs/performance.md, tenth round).
  // page_size 16 KiB (default 4 KiB): those interleaved inserts split and rebalance pages far
  // less often (callgrind load: ~1,000 fewer instructions per turn; the content is the same).
  std::string pragmas =
      "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
      "PRAGMA cache_size = -4096; ";
  pragmas += "PRAGMA application_id = " + std::to_string(kReportApplicationId) + "; ";
  pragmas += "PRAGMA user_version = " + std::to_string(kReportSchemaVersion) + ";";
  if (auto s = sqlite::Exec(db_.get(), pragmas.c_str(), path_); !s) return s;
  if (auto s = sqlite::Exec(db_.get(), "BEGIN", path_); !s) return s;
  if (auto s = sqlite::Exec(db_.get(), ReportSchemaSql().data(), path_); !s) return s;

  auto insert_run = sqlite::Prepare(db_.get(), kInsertRunSql, path_);
  if (!insert_run) return std::unexpected(std::move(insert_run.error()));
  const std::string seed = std::to_string(info.seed);
  Binder b(insert_run->get());
  b.Text(info.scenario_name);
  b.Text(info.scenario_sha256);
  b.Text(seed);
  b.Text(info.parameters_json);
  b.Text(info.agentsim_version);
  if (int step_rc = StepAndReset(insert_run->get(), b.rc()); step_rc != SQLITE_DONE) {
    return std::unexpected(sqlite::MakeSqliteError(db_.get(), step_rc, path_, "insert into run"));
  }
  if (auto s = sqlite::Exec(db_.get(), "COMMIT", path_); !s) return s;

  if (auto s = turns_.Prepare(db_.get(), "turn", kTurnColumns, "llm_attempt_stored",
                              kAttemptColumns, path_);
      !s) {
    return s;
  }
  if (auto s = sessions_.Prepare(db_.get(), "session", kSessionColumns, "session_outcome",
                                 kOutcomeColumns, path_);
      !s) {
    return s;
  }
  for (auto [stmt, sql] : {std::pair{&insert_check_, kInsertCheckSql}}) {
    auto prepared = sqlite::Prepare(db_.get(), sql, path_);
    if (!prepared) return std::unexpected(std::move(prepared.error()));
    *stmt = std::move(*prepared);
  }
  return sqlite::Exec(db_.get(), "BEGIN", path_);
}

void ReportWriter::AppendAttempts(const TurnRecord& turn) {
  std::int64_t seq = 0;
  for (const LlmAttempt& a : turn.llm_attempts) {
    RowBatch& ar = turns_.child();
    ar.Int(static_cast<std::int64_t>(turn.session_id));
    ar.Int(turn.turn_index);
    ar.Int(seq++);
    ar.Int(a.call);
    ar.Text(a.provider);
    ar.Int(a.attempt);
    ar.Int(a.delay_us);
    ar.Text(AttemptOutcomeName(a.outcome));
    ar.Int(a.started_at_us);
    ar.Int(a.duration_us);
    ar.EndRow();
  }
}

void ReportWriter::OnTurn(const TurnRecord& turn) {
  if (!CanWrite()) return;
  for (auto [value, field] : {std::pair{turn.session_id, "session_id"},
                              std::pair{turn.user_text_bytes, "user_text_bytes"},
                              std::pair{turn.spoken_text_bytes, "spoken_text_bytes"}}) {
    if (value > kMaxInteger) {
      Remember(Error{ErrorCode::kInvalidArgument,
                     path_ + ": " + KeyOf(turn) + ": " + field + " exceeds INT64_MAX"});
      return;
    }
  }
  RowBatch& r = turns_.parent();
  auto duration = [&r](Micros value) {
    if (value == -1) {
      r.Null();  // the stage did not run
    } else {
      r.Int(value);
    }
  };
  r.Int(static_cast<std::int64_t>(turn.session_id));
  r.Int(turn.turn_index);
  r.Int(turn.user_turn_end_us);
  r.Text(turn.agent_id);
  r.Text(turn.config_version);
  r.Text(TurnOutcomeName(turn.outcome));
  r.Text(turn.reason);
  r.Int(turn.validation_errors);
  r.Int(turn.llm_calls);
  r.Int(turn.output_tokens);
  r.Int(turn.published_fields);
  r.Int(static_cast<std::int64_t>(turn.user_text_bytes));
  r.Int(static_cast<std::int64_t>(turn.spoken_text_bytes));
  r.Int(turn.audio_duration_us);
  const TurnTimings& t = turn.timings;
  for (Micros value :
       {t.config_fetch_us, t.llm_ttft_us, t.llm_total_us, t.parse_validate_us,
        t.fallback_llm_total_us, t.tts_ttfb_us, t.time_to_first_audio_us, t.turn_total_us}) {
    duration(value);
  }
  r.Text(turn.llm_provider);
  r.Int(static_cast<std::int64_t>(turn.llm_attempts.size()));
  r.Int(turn.text_only ? 1 : 0);
  r.Int(turn.coercions);
  // Most turns have no coercions: "{}" without building a JSON object.
  if (turn.coercion_kinds.empty()) {
    r.Text("{}");
  } else {
    nlohmann::ordered_json kinds = nlohmann::ordered_json::object();
    for (const auto& [kind, count] : turn.coercion_kinds) kinds[std::string(kind)] = count;
    r.Text(kinds.dump());
  }
  duration(turn.timings.text_field_ready_us);
  r.Int(turn.interrupted ? 1 : 0);
  r.Int(turn.sentiment_filled ? 1 : 0);
  if (turn.speaking_rate_bytes_per_s >= 0) {
    r.Real(turn.speaking_rate_bytes_per_s);
  } else {
    r.Null();
  }
  turns_.EndParentRow();
  auto stored = [](Micros value) { return value == -1 ? std::nullopt : std::optional(value); };
  row_tally_.AddTurn(TurnOutcomeName(turn.outcome), turn.reason,
                     stored(t.time_to_first_audio_us), stored(t.turn_total_us));
  // The common turn (one plain successful try) has no stored attempt: the llm_attempt view
  // derives it from the turn row.
  if (!IsDerivedAttempt(turn)) AppendAttempts(turn);
  if (turns_.parents() >= kTurnsPerBatch) FlushBatches();
}

void ReportWriter::FlushBatches() {
  if (!CanWrite() || flushing_) return;
  flushing_ = true;
  std::size_t rows = 0;
  if (auto failure = turns_.Insert(&rows); failure.has_value()) {
    const RowBatch& batch = failure->in_child ? turns_.child() : turns_.parent();
    std::string key = KeyOfBatchRow(batch, failure->row);
    if (failure->in_child) key += " attempt";
    Remember(sqlite::MakeSqliteError(db_.get(), failure->rc, path_, key));
  }
  if (auto failure = sessions_.Insert(&rows); failure.has_value()) {
    const RowBatch& batch = failure->in_child ? sessions_.child() : sessions_.parent();
    std::string key = "insert into session (session_id " +
                      std::to_string(batch.At(failure->row, 0).integer) + ")";
    if (failure->in_child) {
      key += " outcome " + std::string(batch.TextOf(batch.At(failure->row, 1)));
    }
    Remember(sqlite::MakeSqliteError(db_.get(), failure->rc, path_, key));
  }
  turns_.Clear();
  sessions_.Clear();
  CountRows(rows);
  flushing_ = false;
}

void ReportWriter::OnSession(const SessionRecord& session) {
  if (!CanWrite()) return;
  if (session.session_id > kMaxInteger) {
    Remember(Error{ErrorCode::kInvalidArgument,
                   path_ + ": " + KeyOf(session) + ": session_id exceeds INT64_MAX"});
    return;
  }
  RowBatch& r = sessions_.parent();
  const auto id = static_cast<std::int64_t>(session.session_id);
  r.Int(id);
  r.Text(session.user_id);
  r.Text(session.tenant_id);
  r.Text(session.agent_id);
  r.Text(session.config_version);
  r.Text(session.conversation);
  r.Int(session.started_at_us);
  r.Int(session.ended_at_us);
  r.Int(session.turns_planned);
  r.Int(session.turns_started);
  r.Int(session.turns_completed);
  r.Text(session.status);
  r.Text(session.error);
  r.Text(session.route);
  r.Text(session.route_key);
  r.Int(session.variant);
  r.Text(session.feature_flags.empty() ? std::string_view("{}") : session.feature_flags);
  sessions_.EndParentRow();
  row_tally_.AddSession(session.status);
  for (const auto& [name, value] : session.outcomes) {
    RowBatch& o = sessions_.child();
    o.Int(id);
    o.Text(name);
    o.Real(value);
    o.EndRow();
  }
  if (sessions_.parents() >= kSessionsPerBatch) FlushBatches();
}

void ReportWriter::OnCheckFailure(const CheckFailure& failure) {
  if (!CanWrite()) return;
  sqlite3_stmt* stmt = insert_check_.get();
  const std::int64_t seq = next_check_seq_++;
  Binder b(stmt);
  b.Int(seq);
  b.Int(failure.at_us);
  b.Text(failure.check);
  b.Text(failure.subject);
  b.Text(failure.detail);
  if (int rc = StepInsert(stmt, b.rc()); rc != SQLITE_DONE) {
    Remember(sqlite::MakeSqliteError(db_.get(), rc, path_, KeyOf(seq)));
  }
}

int ReportWriter::StepInsert(sqlite3_stmt* stmt, int bind_rc) {
  const int rc = StepAndReset(stmt, bind_rc);
  if (rc == SQLITE_DONE) CountRows(1);
  return rc;
}

void ReportWriter::CountRows(std::size_t rows) {
  rows_in_transaction_ += static_cast<int>(rows);
  if (rows_in_transaction_ >= kRowsPerTransaction) {
    rows_in_transaction_ = 0;
    if (auto s = sqlite::Exec(db_.get(), "COMMIT; BEGIN", path_); !s) Remember(s.error());
  }
}

Status ReportWriter::Finish(const RunTotals& totals, const WallClockInfo& wall) {
  if (finished_) return FailedPrecondition(path_ + ": ReportWriter::Finish called twice");
  finished_ = true;
  auto write = [&]() -> Status {
    auto update = sqlite::Prepare(db_.get(), kUpdateRunSql, path_);
    if (!update) return std::unexpected(std::move(update.error()));
    Binder u(update->get());
    u.Int(totals.virtual_duration_us);
    u.Unsigned(totals.events_run, "events_run");
    u.Unsigned(totals.sessions_started, "sessions_started");
    u.Unsigned(totals.turns_started, "turns_started");
    if (!u.overflow_field().empty()) {
      return InvalidArgument(path_ + ": run totals: " + std::string(u.overflow_field()) +
                             " exceeds INT64_MAX");
    }
    int rc = StepAndReset(update->get(), u.rc());
    if (rc != SQLITE_DONE) {
      return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "update run"));
    }
    auto insert_wall = sqlite::Prepare(db_.get(), kInsertRunWallSql, path_);
    if (!insert_wall) return std::unexpected(std::move(insert_wall.error()));
    Binder w(insert_wall->get());
    w.Text(wall.started_at_utc);
    w.Real(wall.wall_time_ms);
    w.Text(wall.command_line);
    rc = StepAndReset(insert_wall->get(), w.rc());
    if (rc != SQLITE_DONE) {
      return std::unexpected(sqlite::MakeSqliteError(db_.get(), rc, path_, "insert into run_wall"));
    }
    return sqlite::Exec(db_.get(), "COMMIT", path_);
  };
  FlushBatches();
  if (!error_.has_value()) {
    if (auto s = write(); !s) Remember(std::move(s.error()));
  }
  Close(/*commit=*/true);
  if (error_.has_value()) return std::unexpected(*error_);
  return {};
}

void ReportWriter::Remember(Error error) {
  if (error_.has_value()) return;
  FlushBatches();  // the batched rows arrived before the failing one: keep them
  if (!error_.has_value()) error_ = std::move(error);
}

void ReportWriter::Close(bool commit) {
  if (commit) FlushBatches();
  insert_check_.reset();
  turns_.Finalize();
  sessions_.Finalize();
  if (db_ != nullptr && commit && sqlite3_get_autocommit(db_.get()) == 0) {
    if (auto s = sqlite::Exec(db_.get(), "COMMIT", path_); !s) Remember(s.error());
  }
  if (db_ != nullptr) {
    const int rc = sqlite3_close_v2(db_.release());
    if (rc != SQLITE_OK) {
      Remember(sqlite::MakeSqliteError(nullptr, rc, path_, "close"));
    }
  }
}

}  // namespace agentsim
