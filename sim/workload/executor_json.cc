#include "sim/workload/executor_json.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/json/object_reader.h"
#include "sim/workload/arrival_schedule.h"
#include "sim/workload/concurrency_schedule.h"

namespace agentsim {
namespace {

constexpr double kMaxRate = 1e7;
// A ramping executor that would run without starting a session (a load test that tests nothing
// and passes) is refused.
constexpr std::string_view kStartsNothing = "these stages start no session";

// Whether a ramping-arrival-rate executor starts a session: its deterministic schedule (k6's)
// has an arrival before the end, that is, the rate's integral reaches one session strictly
// before the stages end. Poisson arrivals are judged by the same mean.
bool StartsASession(RampingArrivalRate e) {
  e.arrivals = ArrivalProcess::kDeterministic;
  return ArrivalSchedule(e, Rng(0)).Next().has_value();
}

// Whether a ramping-sessions executor ever has a user before its end (whole users: a ramp from
// 0 to 1 reaches its one user only as it ends).
bool StartsASession(const RampingSessions& e) {
  const ConcurrencySchedule schedule(e);
  if (schedule.TargetAt(0) > 0) return true;
  const std::optional<Micros> change = schedule.NextChangeAfter(0);
  return change && *change < schedule.end_us() && schedule.TargetAt(*change) > 0;
}
constexpr double kMaxSeconds = 1e7;
// Concurrent users of a closed model: 10^6 fit this project's machines (about 6 KiB per live
// session, docs/performance.md); more would exhaust memory before the run could report.
constexpr std::int64_t kMaxSessions = 1'000'000;
// Sessions an open model may start in all (rate x duration): each writes a session row.
constexpr double kMaxArrivals = 1e7;
constexpr std::int64_t kMaxConcurrent = 100'000'000;

Micros SecondsToMicros(double seconds) { return std::llround(seconds * 1e6); }

class ExecutorReader {
 public:
  ExecutorReader(const JsonDocument& doc, std::vector<std::string>* errors,
                 const ReadFileFn& read_file)
      : doc_(doc), errors_(errors), read_file_(read_file) {}

  std::optional<WorkloadExecutor> Read(const std::string& pointer) {
    const std::size_t errors_before = errors_->size();
    ObjectReader r(doc_, pointer, errors_);
    if (!r.present()) return std::nullopt;
    std::optional<std::string> type = ReadType(r);
    if (!type) return std::nullopt;
    std::optional<WorkloadExecutor> out;
    if (*type == "constant-arrival-rate") {
      out = ReadConstantArrivalRate(r);
    } else if (*type == "ramping-arrival-rate") {
      out = ReadRampingArrivalRate(r);
    } else if (*type == "constant-sessions") {
      out = ReadConstantSessions(r);
    } else {
      out = ReadRampingSessions(r);
    }
    if (errors_->size() != errors_before) return std::nullopt;
    return out;
  }

 private:
  std::optional<std::string> ReadType(ObjectReader& r) {
    const std::initializer_list<std::string_view> types = {
        "constant-arrival-rate", "ramping-arrival-rate", "constant-sessions", "ramping-sessions"};
    const nlohmann::json* v = r.Get("type");
    if (v == nullptr) {
      r.Fail("", "missing required key 'type' (one of \"constant-arrival-rate\", "
                 "\"ramping-arrival-rate\", \"constant-sessions\", \"ramping-sessions\")");
      return std::nullopt;
    }
    if (v->is_string()) {
      const std::string& s = v->get_ref<const std::string&>();
      if (std::find(types.begin(), types.end(), s) != types.end()) return s;
      std::string hint;
      if (s == "constant-vus") hint = "constant-sessions";
      if (s == "ramping-vus") hint = "ramping-sessions";
      if (hint.empty()) hint = DidYouMean(s, types);
      if (!hint.empty()) {
        r.Fail("type", "unknown executor type \"" + s + "\" (did you mean \"" + hint + "\"?)");
        return std::nullopt;
      }
    }
    return r.Enum("type", Required::kYes, types);  // records "expected one of ..."
  }

  std::optional<Micros> TimeUnit(ObjectReader& r) {
    if (r.Get("time_unit_s") == nullptr) return kMicrosPerSecond;
    auto v = r.Number("time_unit_s", Required::kNo, 0.001, 86'400);
    if (!v) return std::nullopt;
    return SecondsToMicros(*v);
  }

  ArrivalProcess Arrivals(ObjectReader& r) {
    auto v = r.Enum("arrivals", Required::kNo, {"deterministic", "poisson"});
    return v && *v == "poisson" ? ArrivalProcess::kPoisson : ArrivalProcess::kDeterministic;
  }

  std::int64_t MaxConcurrent(ObjectReader& r) {
    return r.Integer("max_concurrent", Required::kNo, 1, kMaxConcurrent).value_or(0);
  }

  std::optional<WorkloadExecutor> ReadConstantArrivalRate(ObjectReader& r) {
    r.AllowOnly({"type", "rate", "time_unit_s", "duration_s", "max_concurrent", "arrivals"});
    ConstantArrivalRate e;
    auto rate = r.PositiveNumber("rate", Required::kYes, kMaxRate);
    auto unit = TimeUnit(r);
    auto duration = r.Number("duration_s", Required::kYes, 1e-6, kMaxSeconds);
    e.max_concurrent = MaxConcurrent(r);
    e.arrivals = Arrivals(r);
    if (!rate || !unit || !duration) return std::nullopt;
    e.rate = *rate;
    e.time_unit_us = *unit;
    e.duration_us = SecondsToMicros(*duration);
    const double arrivals = *rate * *duration * 1e6 / static_cast<double>(*unit);
    if (arrivals > kMaxArrivals) {
      r.Fail("rate", fmt::format("expected at most {:.0f} sessions in all; rate x duration_s / "
                                 "time_unit_s starts {:.0f}",
                                 kMaxArrivals, arrivals));
      return std::nullopt;
    }
    return e;
  }

  std::optional<WorkloadExecutor> ReadRampingArrivalRate(ObjectReader& r) {
    r.AllowOnly({"type", "start_rate", "time_unit_s", "stages", "max_concurrent", "arrivals"});
    RampingArrivalRate e;
    auto start = r.Number("start_rate", Required::kNo, 0, kMaxRate);
    auto unit = TimeUnit(r);
    e.max_concurrent = MaxConcurrent(r);
    e.arrivals = Arrivals(r);
    bool ok = ReadStages(r, [&](ObjectReader& s) {
      auto target = s.Number("target", Required::kYes, 0, kMaxRate);
      auto duration = s.Number("duration_s", Required::kYes, 0, kMaxSeconds);
      if (!target || !duration) return false;
      e.stages.push_back(RateStage{*target, SecondsToMicros(*duration)});
      return true;
    });
    if (!ok || !unit || (r.Get("start_rate") != nullptr && !start)) return std::nullopt;
    e.start_rate = start.value_or(0);
    e.time_unit_us = *unit;
    // The expected count: the integral of the piecewise-linear rate.
    double arrivals = 0;
    double from = e.start_rate;
    for (const RateStage& stage : e.stages) {
      arrivals += (from + stage.target) / 2 * static_cast<double>(stage.duration_us) /
                  static_cast<double>(*unit);
      from = stage.target;
    }
    if (!StartsASession(e)) {
      // Below one: shown with every digit it needs (0.9999999, not a rounded 1). One or more:
      // the first session is due only at the stages' end (or rounds to it), where k6 starts none.
      std::string total = fmt::format("{:.6g}", arrivals);
      if (arrivals < 1 && total == "1") total = fmt::format("{}", arrivals);
      r.Fail("stages", fmt::format("{}: expected start_rate and targets whose rate adds up to one "
                                   "session before the stages end (they add up to {}{})",
                                   kStartsNothing, total,
                                   arrivals >= 1 ? ", so the first session is due only as the "
                                                   "stages end, where none starts, as in k6"
                                                 : ""));
      return std::nullopt;
    }
    if (arrivals > kMaxArrivals) {
      r.Fail("stages", fmt::format("expected at most {:.0f} sessions in all; the stages start "
                                   "{:.0f}",
                                   kMaxArrivals, arrivals));
      return std::nullopt;
    }
    return e;
  }

  std::optional<WorkloadExecutor> ReadConstantSessions(ObjectReader& r) {
    r.AllowOnly({"type", "sessions", "duration_s", "gap_between_sessions_ms"});
    ConstantSessions e;
    auto sessions = r.Integer("sessions", Required::kYes, 1, kMaxSessions);
    auto duration = r.Number("duration_s", Required::kYes, 1e-6, kMaxSeconds);
    auto gap = Gap(r);
    if (!sessions || !duration || !gap) return std::nullopt;
    e.sessions = *sessions;
    e.duration_us = SecondsToMicros(*duration);
    e.gap_ms = *gap;
    return e;
  }

  std::optional<WorkloadExecutor> ReadRampingSessions(ObjectReader& r) {
    r.AllowOnly({"type", "start_sessions", "stages", "gap_between_sessions_ms"});
    RampingSessions e;
    auto start = r.Integer("start_sessions", Required::kNo, 0, kMaxSessions);
    bool ok = ReadStages(r, [&](ObjectReader& s) {
      auto target = s.Integer("target", Required::kYes, 0, kMaxSessions);
      auto duration = s.Number("duration_s", Required::kYes, 0, kMaxSeconds);
      if (!target || !duration) return false;
      e.stages.push_back(SessionStage{*target, SecondsToMicros(*duration)});
      return true;
    });
    auto gap = Gap(r);
    if (!ok || !gap || (r.Get("start_sessions") != nullptr && !start)) return std::nullopt;
    e.start_sessions = start.value_or(0);
    e.gap_ms = *gap;
    if (!StartsASession(e)) {
      r.Fail("stages", std::string(kStartsNothing) +
                           ": expected start_sessions or targets that reach one user before the "
                           "stages end");
      return std::nullopt;
    }
    return e;
  }

  // Reads "stages", a non-empty array of {"target", "duration_s"} objects lasting > 0 s in
  // total, calling `read_stage` on each; false on any problem.
  template <class ReadStage>
  bool ReadStages(ObjectReader& r, ReadStage read_stage) {
    static constexpr std::string_view kExpected =
        "a non-empty array of {\"target\": NUMBER, \"duration_s\": NUMBER}";
    const nlohmann::json* list = r.Get("stages");
    if (list == nullptr) {
      r.Fail("", "missing required key 'stages' (" + std::string(kExpected) + ")");
      return false;
    }
    if (!list->is_array() || list->empty()) {
      r.Fail("stages", "expected " + std::string(kExpected) + ", got " + DescribeJson(*list));
      return false;
    }
    bool ok = true;
    double total_s = 0;
    for (std::size_t i = 0; i < list->size(); ++i) {
      ObjectReader s(doc_, r.PointerTo("stages") + "/" + std::to_string(i), errors_);
      if (!s.present()) {
        ok = false;
        continue;
      }
      s.AllowOnly({"target", "duration_s"});
      if (!read_stage(s)) {
        ok = false;
        continue;
      }
      total_s += (*list)[i].at("duration_s").get<double>();
    }
    if (ok && !(total_s > 0)) {
      r.Fail("stages", "expected the stages to last more than 0 s in total");
      ok = false;
    }
    return ok;
  }

  std::optional<Distribution> Gap(ObjectReader& r) {
    if (r.Get("gap_between_sessions_ms") == nullptr) return Distribution(ConstantDistribution{0});
    DistributionReadOptions options;
    options.read_file = read_file_;
    options.min_value = 0;
    return ReadDistribution(doc_, r.PointerTo("gap_between_sessions_ms"), errors_, options);
  }

  const JsonDocument& doc_;
  std::vector<std::string>* errors_;
  const ReadFileFn& read_file_;
};

}  // namespace

std::optional<WorkloadExecutor> ReadWorkloadExecutor(const JsonDocument& doc,
                                                     const std::string& pointer,
                                                     std::vector<std::string>* errors,
                                                     const ReadFileFn& read_file) {
  return ExecutorReader(doc, errors, read_file).Read(pointer);
}

}  // namespace agentsim
