#include "app/run_thresholds.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/json/json_document.h"
#include "core/log/logger.h"
#include "reports/thresholds/junit_xml.h"
#include "reports/thresholds/summary_export.h"
#include "reports/thresholds/threshold_format.h"
#include "reports/thresholds/threshold_table.h"

namespace agentsim::app {
namespace {

Status CheckPath(std::string_view option, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path file(path);
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  if (path.empty() || fs::is_directory(file, ec)) {
    return InvalidArgument(std::string(option) + ": expected a file path, got the folder \"" +
                           path + "\"");
  }
  if (!fs::is_directory(folder, ec)) {
    return InvalidArgument(std::string(option) + ": " + path +
                           ": no such folder: " + folder.string());
  }
  // Written after the run: what cannot be written is refused now, not after the run's time. An
  // existing regular file is opened for appending (nothing is written); a new one needs a
  // writable folder. A FIFO or a device is left alone: opening a FIFO and closing it would end
  // its reader's input before the results are written.
  const fs::file_status target = fs::status(file, ec);
  if (fs::exists(target) && !fs::is_regular_file(target)) return {};
  if (fs::exists(target)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
      const int error = errno;
      return InvalidArgument(std::string(option) + ": " + path +
                             ": cannot write the file: " + std::strerror(error));
    }
    ::close(fd);
  } else if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    const int error = errno;
    return InvalidArgument(std::string(option) + ": " + path + ": cannot create a file in " +
                           folder.string() + ": " + std::strerror(error));
  }
  return {};
}

// The value of tag `key` in a record; nullopt when the record does not carry it live.
std::optional<std::string_view> TurnTag(const TurnRecord& t, std::string_view key) {
  if (key == "agent_id") return t.agent_id;
  if (key == "config_version") return t.config_version;
  if (key == "outcome") return TurnOutcomeName(t.outcome);
  if (key == "reason") return t.reason;
  if (key == "llm_provider") return t.llm_provider;
  return std::nullopt;
}

std::optional<std::string_view> SessionTag(const SessionRecord& s, std::string_view key) {
  if (key == "user_id") return s.user_id;
  if (key == "tenant_id") return s.tenant_id;
  if (key == "agent_id") return s.agent_id;
  if (key == "config_version") return s.config_version;
  if (key == "conversation") return s.conversation;
  if (key == "status") return s.status;
  if (key == "error") return s.error;
  if (key == "route") return s.route;
  if (key == "route_key") return s.route_key;
  if (key == "feature_flags") return s.feature_flags;
  return std::nullopt;
}

std::optional<std::string_view> CheckTag(const CheckFailure& c, std::string_view key) {
  if (key == "check_name") return c.check;
  if (key == "subject") return c.subject;
  if (key == "detail") return c.detail;
  return std::nullopt;
}

// Whether every tag filter of `spec` can be read from records of its metric's source.
bool FollowedLive(const ThresholdSpec& spec, const MetricDefinition& metric) {
  for (const TagFilter& f : spec.key.tags) {
    const bool known = metric.source == MetricSource::kTurn      ? TurnTag({}, f.key).has_value()
                       : metric.source == MetricSource::kSession ? SessionTag({}, f.key).has_value()
                       : metric.source == MetricSource::kCheckFailure
                           ? CheckTag({}, f.key).has_value()
                           : false;
    if (!known) return false;
  }
  return metric.source != MetricSource::kCacheLevel;
}

template <typename Record, typename TagFn>
bool Matches(const ThresholdSpec& spec, const Record& r, TagFn tag) {
  for (const TagFilter& f : spec.key.tags) {
    if (tag(r, f.key) != std::optional<std::string_view>(f.value)) return false;
  }
  return true;
}

// The trend value (µs; -1: no sample) of turn metric `name`.
Micros TurnTrend(std::string_view name, const TurnRecord& t) {
  if (name == "time_to_first_audio_ms") return t.timings.time_to_first_audio_us;
  if (name == "turn_duration_ms") return t.timings.turn_total_us;
  if (name == "llm_ttft_ms") return t.timings.llm_ttft_us;
  if (name == "llm_duration_ms") return t.timings.llm_total_us;
  if (name == "tts_ttfb_ms") return t.timings.tts_ttfb_us;
  if (name == "config_fetch_ms") return t.timings.config_fetch_us;
  return -1;
}

Status WriteFile(const std::string& path, const std::string& text) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    const int error = errno;
    return Unavailable(path + ": cannot write the file" +
                       (error != 0 ? ": " + std::string(std::strerror(error)) : ""));
  }
  return {};
}

}  // namespace

// `path` absolute and normalised, with the symbolic links it passes through followed, also a
// dangling last one (which fs::weakly_canonical leaves as it is): where a write would land.
std::filesystem::path WhereWritten(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) break;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  const fs::path resolved = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : resolved;
}

// Whether `a` and `b` name one file: the same file when both exist (links included), else the
// same place once links are followed.
bool SameFile(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec) && !ec;
  return WhereWritten(a) == WhereWritten(b);
}

// Whether the file `path` would be written inside the folder `folder` (at any depth).
bool InsideFolder(const std::string& path, const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return false;
  const fs::path inner = WhereWritten(path);
  const fs::path outer = WhereWritten(folder);
  for (fs::path p = inner.parent_path(); !p.empty(); p = p.parent_path()) {
    if (p == outer) return true;
    if (p == p.root_path()) break;
  }
  return false;
}

Status CheckOutputPaths(const ThresholdOutputs& outputs,
                        std::span<const std::pair<std::string_view, std::string>> inputs) {
  std::vector<std::pair<std::string_view, std::string>> written{{"--report", outputs.report}};
  using Output = std::pair<std::string_view, const std::optional<std::string>*>;
  for (auto [option, path] : {Output{"--summary-export", &outputs.summary_export},
                              Output{"--junit", &outputs.junit}}) {
    if (!*path) continue;
    if (auto s = CheckPath(option, **path); !s) return s;
    for (const auto& [other, other_path] : written) {
      if (SameFile(**path, other_path)) {
        return InvalidArgument(std::string(option) + " " + **path + ": the same file as " +
                               std::string(other) + " (each output needs its own file)");
      }
    }
    written.emplace_back(option, **path);
  }
  for (const auto& [option, path] : written) {
    for (const auto& [input, input_path] : inputs) {
      if (SameFile(path, input_path)) {
        return InvalidArgument(std::string(option) + " " + path + ": the same file as " +
                               std::string(input) + " (an output must not overwrite an input)");
      }
      if (InsideFolder(path, input_path)) {
        return InvalidArgument(std::string(option) + " " + path + ": inside the folder of " +
                               std::string(input) + " (an output must not be written among the "
                               "inputs)");
      }
    }
  }
  return {};
}

Result<ThresholdEvaluation> RecordThresholds(std::span<const ThresholdSpec> specs,
                                             const ThresholdOutputs& outputs) {
  const MetricScope scope =
      outputs.summary_export ? MetricScope::kAllMetrics : MetricScope::kThresholdKeys;
  Result<ThresholdEvaluation> evaluation = EvaluateThresholds(outputs.report, specs, scope);
  if (!evaluation) return evaluation;
  if (Status s = WriteThresholdResultsToReport(outputs.report, evaluation->results); !s) {
    return std::unexpected(std::move(s.error()));
  }
  if (outputs.summary_export) {
    if (Status s = WriteFile(*outputs.summary_export, FormatSummaryExport(*evaluation)); !s) {
      return std::unexpected(std::move(s.error()));
    }
  }
  if (outputs.junit) {
    if (Status s = WriteFile(*outputs.junit, FormatJUnit(outputs.suite_name, evaluation->results));
        !s) {
      return std::unexpected(std::move(s.error()));
    }
  }
  return evaluation;
}

LiveThresholds::LiveThresholds(std::span<const ThresholdSpec> specs, RecordSink* next)
    : next_(next) {
  for (const ThresholdSpec& spec : specs) {
    if (!spec.abort_on_fail) continue;
    const MetricDefinition* metric = FindMetric(spec.key.name);
    if (metric == nullptr) continue;  // the parser refuses unknown metrics
    if (!FollowedLive(spec, *metric)) {
      end_only_.push_back(spec.metric_key + ": " + spec.expression);
      continue;
    }
    Watched w{&spec, MetricSamples{}, {}};
    w.samples.metric = metric;
    watched_.push_back(std::move(w));
  }
}

void LiveThresholds::Add(Watched& w, double trend_value_us, bool rate_pass) {
  switch (w.samples.metric->type) {
    case MetricType::kTrend:
      if (trend_value_us >= 0) w.unsorted.push_back(trend_value_us);
      break;
    case MetricType::kRate:
      ++w.samples.total;
      if (rate_pass) ++w.samples.passes;
      break;
    case MetricType::kCounter:
      if (rate_pass) ++w.samples.count;
      break;
  }
}

void LiveThresholds::OnTurn(const TurnRecord& turn) {
  for (Watched& w : watched_) {
    const MetricDefinition& m = *w.samples.metric;
    if (m.source != MetricSource::kTurn || !Matches(*w.spec, turn, TurnTag)) continue;
    const std::string_view outcome = TurnOutcomeName(turn.outcome);
    bool pass = true;  // counters: every turn counts ("turns")
    if (m.name == "turn_fallback") pass = outcome == "fallback";
    if (m.name == "turn_error") pass = outcome == "error";
    if (m.name == "turn_structured") pass = outcome == "structured";
    Add(w, static_cast<double>(TurnTrend(m.name, turn)), pass);
  }
  next_->OnTurn(turn);
}

void LiveThresholds::OnSession(const SessionRecord& session) {
  for (Watched& w : watched_) {
    const MetricDefinition& m = *w.samples.metric;
    if (m.source != MetricSource::kSession || !Matches(*w.spec, session, SessionTag)) continue;
    bool pass = true;  // "sessions" counts every session
    if (m.name == "session_completed") pass = session.status == "completed";
    if (m.name == "session_refused") pass = session.status == "refused";
    Add(w, -1, pass);
  }
  next_->OnSession(session);
}

void LiveThresholds::OnCheckFailure(const CheckFailure& failure) {
  for (Watched& w : watched_) {
    const MetricDefinition& m = *w.samples.metric;
    if (m.source != MetricSource::kCheckFailure || !Matches(*w.spec, failure, CheckTag)) continue;
    Add(w, -1, m.name != "hidden_field_published" || failure.check == "hidden_field_published");
  }
  next_->OnCheckFailure(failure);
}

std::optional<RunAbort> LiveThresholds::Check(Micros now_us) {
  for (Watched& w : watched_) {
    const ThresholdSpec& spec = *w.spec;
    if (!w.unsorted.empty()) {
      std::vector<double>& sorted = w.samples.sorted_us;
      std::sort(w.unsorted.begin(), w.unsorted.end());
      const auto middle = static_cast<std::ptrdiff_t>(sorted.size());
      sorted.insert(sorted.end(), w.unsorted.begin(), w.unsorted.end());
      std::inplace_merge(sorted.begin(), sorted.begin() + middle, sorted.end());
      w.unsorted.clear();
    }
    if (now_us < spec.delay_abort_eval_us.value_or(0)) continue;
    const std::int64_t samples = SampleCount(w.samples);
    if (samples == 0) continue;  // k6 skips empty sinks during a test
    w.samples.duration_us = now_us;
    const std::optional<double> observed = Observe(w.samples, spec.parsed);
    if (!observed || CompareThreshold(*observed, spec.parsed.op, spec.parsed.value)) continue;
    ThresholdResult shown;
    shown.metric = spec.key.name;
    shown.aggregation = AggregationName(spec.parsed);
    shown.observed = observed;
    return RunAbort{"threshold_abort", spec.metric_key,
                    "'" + spec.expression + "' " + FormatObserved(shown) + " (" +
                        std::to_string(samples) + " samples)"};
  }
  return std::nullopt;
}

std::string AbortLine(const TimelineRecord& abort) {
  return "ABORTED: at " + FormatVirtualTime(abort.at_us) + " virtual by threshold " +
         EscapeForMessage(abort.subject) + " " + EscapeForMessage(abort.detail) + "\n";
}

std::string ThresholdFailureLine(const ThresholdEvaluation& evaluation) {
  const int failed = evaluation.failed();
  if (failed == 0) return "";
  std::vector<std::string> keys;
  for (const ThresholdResult& r : evaluation.results) {
    if (!r.passed && std::find(keys.begin(), keys.end(), r.metric_key) == keys.end()) {
      keys.push_back(r.metric_key);
    }
  }
  std::string list;
  for (const std::string& key : keys) list += (list.empty() ? "" : ", ") + EscapeForMessage(key);
  return "FAILED: " + std::to_string(failed) + " of " + std::to_string(evaluation.results.size()) +
         " thresholds failed (" + list + "); see the threshold table\n";
}

}  // namespace agentsim::app
