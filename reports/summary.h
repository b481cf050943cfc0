// A human summary of one report: counts, fallback rate, latency percentiles (k6's method, see
// percentile.h), virtual and wall time, check failures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

// p50/p95/p99 in milliseconds over the turns where the stage ran (the column is not NULL);
// all 0 when count is 0.
struct LatencySummary {
  std::int64_t count = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
};

struct Summary {
  std::string scenario_name;
  std::string seed;  // decimal, as stored
  std::int64_t sessions = 0;
  std::int64_t sessions_completed = 0;
  std::int64_t sessions_refused = 0;
  std::int64_t sessions_error = 0;
  // Status "dropped": open-model arrivals refused for capacity. When > 0 the sessions line ends
  // ", N dropped)" and a line "sessions dropped  N (x%)" (x: of all session rows) follows it.
  std::int64_t sessions_dropped = 0;
  // Status "disconnected": the room connection dropped (docs/faults.md). When > 0 the sessions
  // line ends ", N disconnected)".
  std::int64_t sessions_disconnected = 0;
  // Status "aborted": sessions a live abortOnFail threshold stopped (docs/thresholds.md). When
  // > 0 the sessions line ends ", N aborted)".
  std::int64_t sessions_aborted = 0;
  std::int64_t turns = 0;
  std::int64_t turns_structured = 0;
  std::int64_t turns_fallback = 0;
  std::int64_t turns_error = 0;
  double fallback_rate = 0;            // turns_fallback / turns; 0 when there are no turns
  LatencySummary time_to_first_audio;  // turn.time_to_first_audio_us
  LatencySummary turn_latency;         // turn.turn_total_us
  bool finished = false;               // the run row holds totals (ReportWriter::Finish ran);
                                       // false for a killed run: its checks are incomplete
  Micros virtual_duration_us = 0;      // 0 unless finished
  // The run row's totals (0 unless finished): the sessions and turns the simulation started.
  // Every started turn has a turn row and every started session a session row (dropped
  // arrivals have a session row too but never start); see RowsUnaccounted.
  std::int64_t sessions_started = 0;
  std::int64_t turns_started = 0;
  // The report of `agentsim compare` (run.parameters_json's "command"): its variant runs' rows
  // are not kept (docs/report-schema.md, table comparison), so the run totals count rows that
  // were never written.
  bool compare = false;
  // The counter "thresholds" (written only for scenarios with thresholds: the expressions
  // evaluated) and the rows of table threshold; see RowsUnaccounted.
  std::optional<std::int64_t> thresholds_evaluated;
  std::int64_t threshold_rows = 0;
  // The counter "sessions_dropped" (scenarios with an executor only), against sessions_dropped.
  std::optional<std::int64_t> sessions_dropped_counted;
  bool has_wall_time = false;          // a run_wall row exists
  double wall_time_ms = 0;             // 0 unless has_wall_time
  std::int64_t check_failures = 0;
  // Turns per reason other than "ok", ordered by reason (byte order).
  std::vector<std::pair<std::string, std::int64_t>> reasons;
  // Config cache levels (table cache_level), ordered by level.
  struct CacheLevel {
    std::string level;
    std::int64_t hits = 0;
    std::int64_t misses = 0;
  };
  std::vector<CacheLevel> cache_levels;
  // Quota refusals (table quota_refusal), ordered by tenant then resource.
  struct QuotaRefusal {
    std::string tenant_id;
    std::string resource;
    std::int64_t refusals = 0;
  };
  std::vector<QuotaRefusal> quota_refusals;
  // Chaos mode (table chaos_site): sites, sites switched on, faults fired; all 0 without chaos.
  std::int64_t chaos_sites = 0;
  std::int64_t chaos_sites_on = 0;
  std::int64_t chaos_fired = 0;
};

// The summary's session and turn lines (sessions by status; turns by outcome, reasons, time to
// first audio, turn latency), tallied one row at a time: by ReadSummary's scans of the session
// and turn tables, or by ReportWriter as it writes the rows, so that `agentsim run` prints its
// summary without reading those tables back (the turn scan was ~1,800 instructions per turn;
// tests check both give the same summary).
class RowTally {
 public:
  // One turn row as stored: nullopt for NULL (a timing's stage did not run); timings in µs.
  void AddTurn(std::string_view outcome, std::optional<std::string_view> reason,
               std::optional<Micros> time_to_first_audio_us, std::optional<Micros> turn_total_us);
  // One session row's status.
  void AddSession(std::string_view status);
  // Sets turns, turns_structured/_fallback/_error, reasons (ordered by reason, byte order),
  // time_to_first_audio and turn_latency (k6's percentiles; reorders the samples held).
  void TurnsInto(Summary& s);
  // Sets sessions and sessions_<status>.
  void SessionsInto(Summary& s) const;

 private:
  std::int64_t turns_ = 0;
  std::int64_t structured_ = 0;
  std::int64_t fallback_ = 0;
  std::int64_t error_ = 0;
  // Reasons other than "ok", in first-seen order; there are a handful.
  std::vector<std::pair<std::string, std::int64_t>> reasons_;
  std::vector<double> time_to_first_audio_us_;
  std::vector<double> turn_total_us_;
  Summary sessions_;  // only the session counts are used
};

// For a finished run, what no longer matches its totals: the turn table against
// run.turns_started, the session table less dropped arrivals against run.sessions_started, and
// the dropped session rows and the threshold table against the counters "sessions_dropped" and
// "thresholds" (rows deleted or added after the run, a damaged copy, a run killed before its
// thresholds were written). E.g. "2091 turns started, 2000 turn rows" or "3 thresholds
// evaluated, 0 threshold rows". Empty when every row is accounted for, when the run did not
// finish (its totals are unknown) and for a compare report (it keeps no session or turn rows).
// The summary's checks line shows it and `agentsim report` exits 1, as for a failed check.
std::string RowsUnaccounted(const Summary& s);

// Reads the summary of the report at `db_path` (opened read-only). With `rows`, the session and
// turn lines come from it instead of scans of those tables (the caller tallied every row it
// wrote). Errors: as ComputeReportDigest (kNotFound, kInvalidArgument, kUnavailable; messages
// name the path).
Result<Summary> ReadSummary(const std::string& db_path, RowTally* rows = nullptr);

// A compact human table, one fact per line, ending in a newline, e.g.
//   scenario             default (seed 42)
//   sessions             300 (300 completed, 0 refused, 0 error)
//   turns                2112: 1968 structured, 144 fallback (6.82%), 0 error
//   reasons              not_json 50, validation_failed 94
//   time to first audio  p50 812.4 ms  p95 1630.2 ms  p99 2101.0 ms
//   turn latency         p50 1200.0 ms  p95 2400.5 ms  p99 3000.0 ms
//   virtual time         2h 13m 05.120s    wall time 0.84 s (9,512x)
//   checks               all passed
// The reasons line is left out when every turn is ok; a line "chaos  k/n sites on, m faults
// fired" follows the quota refusals when the run had chaos mode on. A run that did not finish
// (`finished` false) says so: virtual time "unknown (run not finished)" and checks "unknown: the run did not
// finish" (or "N failed (see table check_failure); the run did not finish").
std::string FormatSummary(const Summary& s);
// One "label   value\n" line in FormatSummary's layout (labels padded to one column).
std::string FormatSummaryLine(std::string_view label, std::string_view text);

}  // namespace agentsim
