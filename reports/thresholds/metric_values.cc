#include "reports/thresholds/metric_values.h"

#include <sqlite3.h>

#include <algorithm>
#include <functional>

#include "core/util/percentile.h"

namespace agentsim {
namespace {

constexpr double kMicrosPerMs = 1000.0;

std::string_view FromClause(MetricSource source, bool join_session) {
  switch (source) {
    case MetricSource::kTurn:
      return join_session ? "turn AS t LEFT JOIN session AS s ON s.session_id = t.session_id"
                          : "turn AS t";
    case MetricSource::kSession:
      return "session AS s";
    case MetricSource::kCheckFailure:
      return "check_failure AS c";
    case MetricSource::kCacheLevel:
      return "cache_level";
  }
  return "";
}

// The SQL conditions for `tags` ("t.\"agent_id\" = ?" ...), whether one needs the session join.
Result<std::vector<std::string>> TagConditions(const MetricDefinition& metric,
                                               std::span<const TagFilter> tags,
                                               bool& join_session) {
  Result<std::span<const TagColumn>> columns = TagColumns(metric.source);
  if (!columns) return std::unexpected(columns.error());
  std::vector<std::string> conditions;
  for (const TagFilter& tag : tags) {
    auto it = std::find_if(columns->begin(), columns->end(),
                           [&](const TagColumn& c) { return c.name == tag.key; });
    if (it == columns->end()) {
      return InvalidArgument("metric " + std::string(metric.name) + " has no tag '" + tag.key +
                             "'");
    }
    if (metric.source == MetricSource::kTurn && it->sql.starts_with("s.")) join_session = true;
    conditions.push_back(it->sql + " = ?");
  }
  return conditions;
}

Status Step(sqlite3* db, sqlite3_stmt* stmt, const std::string& path, std::string_view sql,
            const std::function<void(sqlite3_stmt*)>& on_row) {
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) on_row(stmt);
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::MakeSqliteError(db, rc, path, sql));
  return {};
}

}  // namespace

Result<Micros> ReadVirtualDuration(sqlite3* db, const std::string& path) {
  constexpr std::string_view kSql =
      "SELECT COALESCE(virtual_duration_us, 0) FROM run WHERE run_id = 1";
  auto stmt = sqlite::Prepare(db, kSql, path);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  Micros duration = 0;
  auto status = Step(db, stmt->get(), path, kSql,
                     [&](sqlite3_stmt* s) { duration = sqlite3_column_int64(s, 0); });
  if (!status) return std::unexpected(std::move(status.error()));
  return duration;
}

Result<MetricSamples> ReadMetricSamples(sqlite3* db, const std::string& path,
                                        const MetricDefinition& metric,
                                        std::span<const TagFilter> tags, Micros duration_us) {
  MetricSamples samples;
  samples.metric = &metric;
  samples.duration_us = duration_us;
  bool join_session = false;
  Result<std::vector<std::string>> conditions = TagConditions(metric, tags, join_session);
  if (!conditions) return std::unexpected(std::move(conditions.error()));
  const std::string from(FromClause(metric.source, join_session));
  std::string where;
  for (const std::string& c : *conditions) where += " AND " + c;

  std::string sql;
  if (metric.source == MetricSource::kCacheLevel) {
    sql = "SELECT hits, misses FROM cache_level WHERE level = ?";
  } else if (metric.type == MetricType::kTrend) {
    const std::string column(metric.sql);
    sql = "SELECT " + column + " FROM " + from + " WHERE " + column + " IS NOT NULL" + where +
          " ORDER BY " + column;
  } else if (metric.type == MetricType::kRate) {
    sql = "SELECT COUNT(*), COALESCE(SUM(" + std::string(metric.sql) + "), 0) FROM " + from +
          " WHERE 1" + where;
  } else {
    sql = "SELECT COUNT(*) FROM " + from + " WHERE (" + std::string(metric.sql) + ")" + where;
  }
  auto stmt = sqlite::Prepare(db, sql, path);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  if (metric.source == MetricSource::kCacheLevel) {
    sqlite3_bind_text(stmt->get(), 1, metric.sql.data(), static_cast<int>(metric.sql.size()),
                      SQLITE_STATIC);
  } else {
    for (std::size_t i = 0; i < tags.size(); ++i) {
      sqlite3_bind_text(stmt->get(), static_cast<int>(i + 1), tags[i].value.data(),
                        static_cast<int>(tags[i].value.size()), SQLITE_STATIC);
    }
  }
  auto status = Step(db, stmt->get(), path, sql, [&](sqlite3_stmt* s) {
    if (metric.source == MetricSource::kCacheLevel) {
      samples.passes = sqlite3_column_int64(s, 0);
      samples.total = samples.passes + sqlite3_column_int64(s, 1);
    } else if (metric.type == MetricType::kTrend) {
      samples.sorted_us.push_back(static_cast<double>(sqlite3_column_int64(s, 0)));
    } else if (metric.type == MetricType::kRate) {
      samples.total = sqlite3_column_int64(s, 0);
      samples.passes = sqlite3_column_int64(s, 1);
    } else {
      samples.count = sqlite3_column_int64(s, 0);
    }
  });
  if (!status) return std::unexpected(std::move(status.error()));
  return samples;
}

std::int64_t SampleCount(const MetricSamples& samples) {
  if (samples.metric == nullptr) return 0;
  switch (samples.metric->type) {
    case MetricType::kTrend:
      return static_cast<std::int64_t>(samples.sorted_us.size());
    case MetricType::kRate:
      return samples.total;
    case MetricType::kCounter:
      return samples.count;
  }
  return 0;
}

std::optional<double> Observe(const MetricSamples& samples, const ThresholdExpression& e) {
  if (samples.metric == nullptr || !SupportsAggregation(samples.metric->type, e.aggregation)) {
    return std::nullopt;
  }
  const std::vector<double>& v = samples.sorted_us;
  switch (e.aggregation) {
    case Aggregation::kAvg: {
      if (v.empty()) return 0.0;
      // Integer µs: the sum is exact well beyond any run's size.
      std::int64_t sum = 0;
      for (double x : v) sum += static_cast<std::int64_t>(x);
      return static_cast<double>(sum) / static_cast<double>(v.size()) / kMicrosPerMs;
    }
    case Aggregation::kMin:
      return v.empty() ? 0.0 : v.front() / kMicrosPerMs;
    case Aggregation::kMax:
      return v.empty() ? 0.0 : v.back() / kMicrosPerMs;
    case Aggregation::kMed:
      return PercentileOfSorted(v, 0.5) / kMicrosPerMs;
    case Aggregation::kPercentile:
      return PercentileOfSorted(v, e.percentile / 100.0) / kMicrosPerMs;
    case Aggregation::kCount:
      return static_cast<double>(samples.count);
    case Aggregation::kRate:
      if (samples.metric->type == MetricType::kCounter) {
        if (samples.duration_us <= 0) return 0.0;
        return static_cast<double>(samples.count) /
               (static_cast<double>(samples.duration_us) / static_cast<double>(kMicrosPerSecond));
      }
      if (samples.total == 0) return std::nullopt;
      return static_cast<double>(samples.passes) / static_cast<double>(samples.total);
    case Aggregation::kValue:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace agentsim
