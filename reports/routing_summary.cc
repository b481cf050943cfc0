#include "reports/routing_summary.h"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "reports/report_open.h"
#include "reports/sql_query.h"
#include "reports/summary.h"

namespace agentsim {
namespace {

std::string Num(double value, int precision, bool sign = false) {
  char buffer[64];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, precision);
  std::string out = ec == std::errc() ? std::string(buffer, end) : std::string("?");
  return sign && value >= 0 ? "+" + out : out;
}

std::string At(std::int64_t us) {
  const std::int64_t ms = us / kMicrosPerMilli;
  const std::int64_t minutes = ms / 60'000;
  std::string millis = std::to_string(ms % 1000);
  millis.insert(0, 3 - millis.size(), '0');
  const std::string seconds = std::to_string(ms / 1000 % 60);
  return std::to_string(minutes) + "m" + (seconds.size() < 2 ? "0" : "") + seconds + "." +
         millis + "s";
}

Status Experiments(sqlite3* db, const std::string& path, std::string& out) {
  struct Experiment {
    std::vector<std::pair<int, std::int64_t>> users;
    std::string srm;
    std::vector<std::string> metric_lines;
  };
  std::map<std::string, Experiment> experiments;
  Status s = ForEachRow(db, "SELECT experiment, variant, users FROM experiment_variant "
                            "ORDER BY experiment, variant",
                        path, [&](sqlite3_stmt* st) {
                          experiments[ColumnText(st, 0)].users.emplace_back(
                              sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2));
                        });
  if (s) {
    s = ForEachRow(db, "SELECT experiment, p_value, health FROM experiment_srm", path,
                   [&](sqlite3_stmt* st) {
                     experiments[ColumnText(st, 0)].srm =
                         "SRM p " + Num(sqlite3_column_double(st, 1), 4) + " " + ColumnText(st, 2);
                   });
  }
  if (s) {
    s = ForEachRow(
        db,
        "SELECT experiment, metric, variant, control_mean, variant_mean, abs_effect, abs_ci_low, "
        "abs_ci_high, p_value, lift, status FROM experiment_result "
        "ORDER BY experiment, metric, variant",
        path, [&](sqlite3_stmt* st) {
          const int variant = sqlite3_column_int(st, 2);
          std::string line = "  " + ColumnText(st, 1);
          line.append(line.size() < 21 ? 21 - line.size() : 1, ' ');
          line += std::to_string(variant) + " vs 0: " + Num(sqlite3_column_double(st, 4), 4) +
                  " vs " + Num(sqlite3_column_double(st, 3), 4);
          if (ColumnText(st, 10) != "ok") {
            line += ", not computed (" + ColumnText(st, 10) + ")";
          } else {
            line += ", " + Num(sqlite3_column_double(st, 5), 4, true) + " [" +
                    Num(sqlite3_column_double(st, 6), 4, true) + ", " +
                    Num(sqlite3_column_double(st, 7), 4, true) + "] p " +
                    Num(sqlite3_column_double(st, 8), 4) + ", lift " +
                    Num(sqlite3_column_double(st, 9) * 100.0, 2, true) + "%";
          }
          experiments[ColumnText(st, 0)].metric_lines.push_back(line + "\n");
        });
  }
  if (!s) return s;
  for (const auto& [key, e] : experiments) {
    std::int64_t total = 0;
    std::string split;
    for (const auto& [variant, users] : e.users) {
      total += users;
      split += (split.empty() ? "" : ", ") + std::to_string(variant) + ": " +
               std::to_string(users);
    }
    out += FormatSummaryLine("experiment", key + ": " + std::to_string(total) + " users (" +
                                               split + "), " + e.srm);
    for (const std::string& line : e.metric_lines) out += line;
  }
  return {};
}

Status Rollout(sqlite3* db, const std::string& path, std::string& out) {
  std::string id, last_kind, last_detail;
  std::int64_t last_at = 0;
  int events = 0;
  Status s = ForEachRow(db,
                        "SELECT subject, kind, detail, at_us FROM timeline_event "
                        "WHERE source = 'rollout' ORDER BY seq",
                        path, [&](sqlite3_stmt* st) {
                          id = ColumnText(st, 0);
                          last_kind = ColumnText(st, 1);
                          last_detail = ColumnText(st, 2);
                          last_at = sqlite3_column_int64(st, 3);
                          ++events;
                        });
  if (!s || events == 0) return s;
  out += FormatSummaryLine("rollout", id + ": " + last_kind + " at " + At(last_at) + " (" +
                                          last_detail + "); " + std::to_string(events) +
                                          " events in timeline_event");
  return {};
}

Status HotReload(sqlite3* db, const std::string& path, std::string& out) {
  struct Publish {
    std::string subject;
    std::int64_t published = 0, workers = 0, served = 0, max_applied = 0, max_served = 0;
  };
  std::map<std::int64_t, Publish> publishes;
  Status s = ForEachRow(
      db,
      "SELECT sequence, agent_id || '@' || version, published_at_us, applied_at_us, "
      "first_served_at_us FROM config_propagation ORDER BY sequence, worker",
      path, [&](sqlite3_stmt* st) {
        Publish& p = publishes[sqlite3_column_int64(st, 0)];
        p.subject = ColumnText(st, 1);
        p.published = sqlite3_column_int64(st, 2);
        ++p.workers;
        p.max_applied = std::max<std::int64_t>(p.max_applied, sqlite3_column_int64(st, 3) - p.published);
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
          ++p.served;
          p.max_served = std::max<std::int64_t>(p.max_served, sqlite3_column_int64(st, 4) - p.published);
        }
      });
  if (!s) return s;
  for (const auto& [sequence, p] : publishes) {
    std::string text = p.subject + " published at " + At(p.published) + ": " +
                       std::to_string(p.workers) + " workers applied within " +
                       Num(static_cast<double>(p.max_applied) / 1e6, 3) + "s";
    text += p.served == p.workers ? ", all serving within " +
                                        Num(static_cast<double>(p.max_served) / 1e6, 3) + "s"
                                  : ", " + std::to_string(p.served) + " serving it";
    out += FormatSummaryLine("hot reload", text);
  }
  return {};
}

Status Timeline(sqlite3* db, const std::string& path, std::string& out) {
  std::map<std::string, std::int64_t> by_outcome;
  std::int64_t total = 0;
  Status s = ForEachRow(db,
                        "SELECT outcome, COUNT(*) FROM timeline_event WHERE source = 'timeline' "
                        "GROUP BY outcome ORDER BY outcome",
                        path, [&](sqlite3_stmt* st) {
                          by_outcome[ColumnText(st, 0)] = sqlite3_column_int64(st, 1);
                          total += sqlite3_column_int64(st, 1);
                        });
  if (!s || total == 0) return s;
  std::string text = std::to_string(total) + (total == 1 ? " event:" : " events:");
  for (const auto& [outcome, count] : by_outcome) {
    text += " " + std::to_string(count) + " " + outcome;
  }
  out += FormatSummaryLine("timeline", text);
  return {};
}

Status Comparisons(sqlite3* db, const std::string& path, std::string& out) {
  return ForEachRow(
      db,
      "SELECT metric, variant, baseline, pairs, mean_diff, ci_low, ci_high, p_value, status "
      "FROM comparison ORDER BY metric, variant",
      path, [&](sqlite3_stmt* st) {
        std::string text = ColumnText(st, 0) + ": " + ColumnText(st, 1) + " - " +
                           ColumnText(st, 2) + " over " +
                           std::to_string(sqlite3_column_int64(st, 3)) + " pairs: ";
        if (ColumnText(st, 8) == "no_pairs") {
          text += "not computed";
        } else {
          text += Num(sqlite3_column_double(st, 4), 4, true) + " [" +
                  Num(sqlite3_column_double(st, 5), 4, true) + ", " +
                  Num(sqlite3_column_double(st, 6), 4, true) + "] p " +
                  Num(sqlite3_column_double(st, 7), 4);
        }
        out += FormatSummaryLine("paired difference", text);
      });
}

}  // namespace

Result<std::string> FormatRoutingSummary(const std::string& db_path) {
  Result<sqlite::DbPtr> db = OpenReportReadOnly(db_path);
  if (!db) return std::unexpected(db.error());
  std::string out;
  Status s = Experiments(db->get(), db_path, out);
  if (s) s = Rollout(db->get(), db_path, out);
  if (s) s = HotReload(db->get(), db_path, out);
  if (s) s = Timeline(db->get(), db_path, out);
  if (s) s = Comparisons(db->get(), db_path, out);
  if (!s) return std::unexpected(s.error());
  return out;
}

}  // namespace agentsim
