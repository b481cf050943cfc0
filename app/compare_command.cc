// `agentsim compare SCENARIO --variant NAME=CONFIG ...`: the same workload under each config
// variant with common random numbers; paired differences per metric against the first variant.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include "app/commands.h"
#include "app/progress.h"
#include "app/wall_clock.h"
#include "core/json/json_document.h"
#include "core/log/logger.h"
#include "core/util/sha256.h"
#include "reports/analysis/paired_comparison.h"
#include "reports/report_writer.h"
#include "reports/summary.h"
#include "sim/file_source.h"
#include "sim/runner.h"
#include "sim/scenario_variant.h"
#include "sim/session_metrics.h"
#include "sim/transcripts.h"

namespace agentsim::app {
namespace {

struct Variant {
  std::string name;
  std::string path;
  std::string agent_id;  // the agent the variant replaces
  Scenario scenario;
  RunOutcome outcome;
  std::map<std::string, std::map<std::uint64_t, double>> metrics;
};

int Fail(const std::string& message) {
  std::cerr << "agentsim: error: " << EscapeLinesForMessage(message) << "\n";
  return kExitBadInput;
}

std::string Fixed(double v, int precision) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", precision, v);
  return buffer;
}

std::string Pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + " ";
}

// Forwards only check failures (subject prefixed with the variant name) to the report: the
// variants' sessions and turns share ids and are not stored.
class ChecksTo final : public RecordSink {
 public:
  ChecksTo(RecordSink* report, std::string variant) : report_(report), variant_(std::move(variant)) {}
  void OnTurn(const TurnRecord&) override {}
  void OnSession(const SessionRecord&) override {}
  void OnCheckFailure(const CheckFailure& failure) override {
    CheckFailure named = failure;
    named.subject = variant_ + ": " + failure.subject;
    report_->OnCheckFailure(named);
  }

 private:
  RecordSink* report_;
  std::string variant_;
};

}  // namespace

int CompareCommand(const CompareArgs& args) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::string started_at = UtcNowIso8601();
  if (args.variants.size() < 2) {
    return Fail("--variant: expected at least 2 variants (NAME=CONFIG), the first is the "
                "baseline");
  }
  std::filesystem::path scenario_path(args.scenario);
  DiskFileSource files(scenario_path.parent_path());
  const std::string relative = scenario_path.filename().string();
  Result<Scenario> base = LoadScenario(files, relative);
  if (!base) return Fail(base.error().message);
  // The scenario's own problem, before any variant is read.
  if (Status comparable = CheckComparable(*base); !comparable) {
    return Fail(comparable.error().message);
  }
  const UtteranceSource& utterances = base->utterances;
  if (std::string skipped = SkippedWarning(utterances.path, utterances.transcript_load);
      !skipped.empty()) {
    std::cerr << "agentsim: warning: " << EscapeLinesForMessage(skipped) << "\n";
  }
  Result<std::string> scenario_text = files.Read(relative);
  if (!scenario_text) return Fail(scenario_text.error().message);
  const std::uint64_t seed = args.seed.value_or(base->seed);

  static const std::regex kName("[A-Za-z0-9_.-]{1,64}");
  std::vector<Variant> variants;
  for (const std::string& spec : args.variants) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return Fail("--variant \"" + EscapeForMessage(spec) + "\": expected NAME=CONFIG");
    }
    Variant v;
    v.name = spec.substr(0, eq);
    v.path = spec.substr(eq + 1);
    if (!std::regex_match(v.name, kName)) {
      return Fail("--variant \"" + EscapeForMessage(spec) +
                  "\": NAME must be 1-64 letters, digits, '_', '.' or '-'");
    }
    for (const Variant& other : variants) {
      if (other.name == v.name) return Fail("--variant: the name \"" + v.name + "\" is used twice");
    }
    Result<std::string> text = ReadFileToString(v.path);
    if (!text) return Fail("--variant " + v.name + ": " + text.error().message);
    Result<Scenario> s = WithAgentVariant(*base, v.path, *text);
    if (!s) return Fail("--variant " + v.name + ": " + s.error().message);
    v.scenario = std::move(*s);
    for (const ScenarioAgent& a : v.scenario.agents) {
      if (a.config_path == v.path) v.agent_id = a.config->agent_id;
    }
    if (!variants.empty() && v.agent_id != variants[0].agent_id) {
      return Fail("--variant " + v.name + ": replaces agent " + v.agent_id + " but " +
                  variants[0].name + " replaces " + variants[0].agent_id +
                  "; every variant must replace the same agent");
    }
    variants.push_back(std::move(v));
  }

  RunInfo info;
  info.scenario_name = base->name;
  info.scenario_sha256 = Sha256Hex(*scenario_text);
  info.seed = seed;
  nlohmann::ordered_json parameters;
  parameters["command"] = "compare";
  parameters["scenario"] = base->name;
  parameters["seed"] = seed;
  for (const Variant& v : variants) {
    const ScenarioAgent* replaced = nullptr;
    for (const ScenarioAgent& a : v.scenario.agents) {
      if (a.config_path == v.path) replaced = &a;
    }
    parameters["variants"].push_back(
        {{"name", v.name},
         {"agent_id", replaced ? replaced->config->agent_id : ""},
         {"version", replaced ? replaced->config->version : ""},
         {"config_sha256", replaced ? Sha256Hex(replaced->json_text) : ""}});
  }
  info.parameters_json = parameters.dump();
  info.agentsim_version = AGENTSIM_VERSION;
  Result<std::unique_ptr<ReportWriter>> writer = ReportWriter::Open(args.report, info);
  if (!writer) return Fail(writer.error().message);
  std::cerr << "agentsim: comparing " << variants.size() << " variants of " << base->source_path
            << " (seed " << seed << ", " << base->workload.sessions << " sessions each)\n";
  std::uint64_t check_failures = 0;
  for (Variant& v : variants) {
    ChecksTo checks(writer->get(), v.name);
    // Only the sessions of the replaced agent are compared (the others run the same config).
    SessionMetricsSink sink(&checks, v.agent_id);
    // Progress on stderr (docs/cli.md#progress); it changes no record.
    std::optional<ProgressPrinter> progress;
    RunControl control;
    if (!args.no_progress) {
      progress.emplace(&std::cerr, isatty(STDERR_FILENO) == 1, WallSeconds,
                       "agentsim: " + v.name + ": ");
      control.progress_interval_us = kMicrosPerSecond;
      control.on_progress = [&progress](const RunProgress& p) -> std::optional<RunAbort> {
        progress->Update(p);
        return std::nullopt;
      };
    }
    v.outcome = RunScenario(v.scenario, seed, sink, MakeNullLogger(), control);
    if (progress) progress->Finish();
    v.metrics = sink.Metrics();
    check_failures += v.outcome.check_failures;
  }

  RunStatistics st;
  std::set<std::string> metric_names;
  for (const Variant& v : variants) {
    for (const auto& [name, values] : v.metrics) metric_names.insert(name);
    auto i64 = [](std::uint64_t x) { return static_cast<std::int64_t>(x); };
    st.counters.emplace_back(v.name + ".check_failures", i64(v.outcome.check_failures));
    st.counters.emplace_back(v.name + ".sessions", i64(v.outcome.sessions_started));
    st.counters.emplace_back(v.name + ".turns", i64(v.outcome.turns_recorded));
    st.counters.emplace_back(v.name + ".llm_calls", i64(v.outcome.llm.calls));
  }
  std::sort(st.counters.begin(), st.counters.end());
  const std::map<std::uint64_t, double> none;
  for (const std::string& metric : metric_names) {
    const auto base_it = variants[0].metrics.find(metric);
    const auto& base_values = base_it == variants[0].metrics.end() ? none : base_it->second;
    for (std::size_t i = 1; i < variants.size(); ++i) {
      const auto it = variants[i].metrics.find(metric);
      Result<PairedResult> r =
          PairedDifference(base_values, it == variants[i].metrics.end() ? none : it->second);
      if (!r) return Fail(r.error().message);
      st.routing.comparisons.push_back(ComparisonRow{
          metric, variants[i].name, variants[0].name, r->pairs, r->baseline_mean,
          r->variant_mean, r->mean_diff, r->ci_low, r->ci_high, r->p_value, r->status});
    }
  }

  // Terminal: one line per metric and variant.
  std::cout << FormatSummaryLine("compare", base->name + " (seed " + std::to_string(seed) + ", " +
                                                std::to_string(base->workload.sessions) +
                                                " sessions per variant; paired: the sessions "
                                                "of " + variants[0].agent_id + ")");
  std::string list;
  for (const Variant& v : variants) list += (list.empty() ? "" : "  ") + v.name + "=" + v.path;
  std::cout << FormatSummaryLine("variants", list + "  (baseline: " + variants[0].name + ")");
  std::cout << Pad("metric", 24) << Pad("variant", 12) << Pad("pairs", 6) << Pad("baseline", 10)
            << Pad("variant", 10) << Pad("diff [95% CI]", 32) << "p\n";
  for (const ComparisonRow& c : st.routing.comparisons) {
    std::cout << Pad(c.metric, 24) << Pad(c.variant, 12) << Pad(std::to_string(c.pairs), 6)
              << Pad(Fixed(c.baseline_mean, 4), 10) << Pad(Fixed(c.variant_mean, 4), 10);
    if (c.status == "no_pairs") {
      std::cout << "not computed (fewer than 2 pairs)\n";
      continue;
    }
    std::cout << Pad(Fixed(c.mean_diff, 4) + " [" + Fixed(c.ci_low, 4) + ", " +
                         Fixed(c.ci_high, 4) + "]",
                     32)
              << Fixed(c.p_value, 4) << "\n";
  }

  if (Status s = (*writer)->WriteStatistics(st); !s) return Fail(s.error().message);
  RunTotals totals;
  for (const Variant& v : variants) {
    totals.virtual_duration_us = std::max(totals.virtual_duration_us, v.outcome.virtual_duration_us);
    totals.events_run += v.outcome.events_run;
    totals.sessions_started += v.outcome.sessions_started;
    totals.turns_started += v.outcome.turns_started;
  }
  const double wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
          .count();
  if (Status s = (*writer)->Finish(totals, WallClockInfo{started_at, wall_ms, args.command_line}); !s) {
    return Fail(s.error().message);
  }
  std::cout << FormatSummaryLine("report", args.report);
  if (check_failures > 0) {
    std::cout << "FAILED: " << check_failures << " check(s) failed in the variant runs\n";
    return kExitCheckFailed;
  }
  return kExitOk;
}

}  // namespace agentsim::app
