#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/progress.h"
#include "app/run_thresholds.h"
#include "app/routing_statistics.h"
#include "app/wall_clock.h"
#include "app/shell_words.h"
#include "core/json/json_document.h"
#include "core/log/logger.h"
#include "reports/digest.h"
#include "reports/report_writer.h"
#include "reports/routing_summary.h"
#include "reports/summary.h"
#include "reports/thresholds/threshold_format.h"
#include "scenarios/embedded_scenarios.h"
#include "sim/file_source.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/transcripts.h"
#include "sim/workload/workload_json.h"

namespace agentsim::app {
namespace {

// The run's effective parameters, as stored in the report (no paths: the digest must not
// depend on where the files are).
std::string ParametersJson(const Scenario& s, std::uint64_t seed) {
  nlohmann::ordered_json p;
  p["scenario"] = s.name;
  p["seed"] = seed;
  nlohmann::ordered_json agents = nlohmann::ordered_json::array();
  for (const ScenarioAgent& a : s.agents) {
    agents.push_back({{"agent_id", a.config->agent_id},
                      {"version", a.config->version},
                      {"weight", a.weight}});
  }
  p["agents"] = agents;
  const WorkloadSpec& w = s.workload;
  p["workload"] = {{"sessions", w.sessions},
                   {"arrival_rate_per_s", w.arrival_rate_per_s},
                   {"turns_per_session", {w.min_turns, w.max_turns}},
                   {"think_time_ms", {{"median", w.think_time_ms.median},
                                      {"p95", w.think_time_ms.p95}}},
                   {"users", w.users},
                   {"speech_chars_per_s", w.speech_chars_per_s}};
  AddWorkloadParameters(w, &p["workload"]);
  const bool transcripts = s.utterances.kind == UtteranceSource::Kind::kTranscripts;
  p["utterances"] = {{"source", transcripts ? "transcripts" : "corpus"},
                     {"conversations", s.utterances.conversations.size()}};
  p["llm"] = {{"ttft_ms", {s.llm.ttft_ms.median, s.llm.ttft_ms.p95}},
              {"per_token_ms", {s.llm.per_token_ms.median, s.llm.per_token_ms.p95}},
              {"malformed_rate", s.llm.malformed_rate},
              {"error_rate", s.llm.error_rate}};
  p["tts"] = {{"ttfb_ms", {s.tts.ttfb_ms.median, s.tts.ttfb_ms.p95}},
              {"chars_per_second", s.tts.chars_per_second},
              {"error_rate", s.tts.error_rate}};
  return p.dump();
}


// The run's statistics tables (see docs/report-schema.md).
// `thresholds`: the scenario's threshold expressions, one row each in table threshold.
RunStatistics Statistics(const RunOutcome& o, bool has_executor, std::size_t thresholds) {
  RunStatistics st;
  const char* names[] = {"L1", "L2", "L3"};
  for (int i = 0; i < 3; ++i) {
    const CacheLevelStats& c = o.cache[i];
    st.cache_levels.push_back({names[i], c.hits, c.misses, c.expirations, c.evictions,
                               c.coalesced_waits, c.negative_hits, c.errors, c.loads,
                               c.load_time_us});
  }
  for (const CacheWindowStats& w : o.cache_windows) {
    st.cache_windows.push_back(
        {w.window_start_us, names[static_cast<int>(w.level) - 1], w.hits, w.misses});
  }
  for (const TenantQuotaManager::Refusal& r : o.quota_refusals) {
    st.quota_refusals.push_back({r.tenant_id, r.resource, r.count});
  }
  auto i64 = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
  st.counters = {
      {"config_parses_reused", i64(o.config_parses_reused)},
      {"events_run", i64(o.events_run)},
      {"isolation_denials", i64(o.isolation_denials)},
      {"llm_calls", i64(o.llm.calls)},
      {"llm_clients_created", i64(o.clients.llm_clients_created)},
      {"llm_errors", i64(o.llm.errors)},
      {"llm_truncated", i64(o.llm.truncated)},
      {"pool_acquisitions", i64(o.pool.acquisitions)},
      {"pool_max_wait_us", o.pool.max_wait_us},
      {"pool_timeouts", i64(o.pool.timeouts)},
      {"pool_wait_time_us", o.pool.wait_time_us},
      {"pool_waits", i64(o.pool.waits)},
      {"room_audio_segments", i64(o.room.audio_segments)},
      {"room_data_messages", i64(o.room.data_messages)},
      {"schema_registry_hits", i64(o.schema_registry_hits)},
      {"schema_registry_misses", i64(o.schema_registry_misses)},
      {"secret_failures", i64(o.clients.failures)},
      {"tts_calls", i64(o.tts.calls)},
      {"tts_clients_created", i64(o.clients.tts_clients_created)},
      {"tts_errors", i64(o.tts.errors)},
      {"config_watch_polls", i64(o.config_watch_polls)},
      {"barge_ins_during_audio", i64(o.barge_ins_during_audio)},
      {"llm_timeouts", i64(o.llm.timeouts)},
      {"llm_rate_limited", i64(o.llm.rate_limited)},
      {"llm_outage_errors", i64(o.llm.outages)},
      {"llm_stalls", i64(o.llm.stalls)},
      {"tts_stalls", i64(o.tts.stalls)},
      {"tts_outage_errors", i64(o.tts.outages)},
      {"config_watch_poll_errors", i64(o.config_watch_poll_errors)},
  };
  // Only with an executor (the old form never drops), so old scenarios' reports are unchanged.
  if (has_executor) st.counters.emplace_back("sessions_dropped", i64(o.sessions_dropped));
  // Only with thresholds (reports of other scenarios are unchanged): `agentsim report` checks the
  // threshold table against it, so rows lost after the run do not read as a pass.
  if (thresholds > 0) st.counters.emplace_back("thresholds", static_cast<std::int64_t>(thresholds));
  for (int k = 0; k < 3; ++k) {
    st.counters.emplace_back(
        "llm_malformed_" + std::string(MalformedKindName(static_cast<MalformedKind>(k))),
        i64(o.llm.malformed[k]));
  }
  for (int m = 0; m < kOutputMalformationCount; ++m) {
    st.counters.emplace_back(
        "llm_malformed_" + std::string(OutputMalformationName(static_cast<OutputMalformation>(m))),
        i64(o.llm.malformations[m]));
  }
  std::sort(st.counters.begin(), st.counters.end());
  return st;
}

// The program as invoked: the first word of `command_line`, which main() builds from
// shell-quoted words (so a space inside quotes does not end it). "agentsim" when empty.
std::string ProgramWord(std::string_view command_line) {
  bool quoted = false;
  std::size_t end = 0;
  for (; end < command_line.size(); ++end) {
    const char c = command_line[end];
    if (c == '\\' && !quoted) {
      ++end;  // an escaped character, as in 'it'\''s'
    } else if (c == '\'') {
      quoted = !quoted;
    } else if (c == ' ' && !quoted) {
      break;
    }
  }
  end = std::min(end, command_line.size());
  return end == 0 ? std::string("agentsim") : std::string(command_line.substr(0, end));
}

// The command that reproduces the run: the program as invoked, the scenario, the seed and the
// transcripts, e.g. "build/release/app/agentsim run --seed 42".
std::string ReproduceCommand(const RunArgs& args, std::uint64_t seed) {
  std::string out = ProgramWord(args.command_line) + " run";
  if (!args.scenario.empty()) out += " " + ShellWord(args.scenario);
  out += " --seed " + std::to_string(seed);
  if (args.transcripts) out += " --transcripts " + ShellWord(*args.transcripts);
  return out;
}

int BadInput(const Error& e) {
  std::cerr << "agentsim: error: " << EscapeLinesForMessage(e.message) << "\n";
  return kExitBadInput;
}

}  // namespace

int RunCommand(const RunArgs& args) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::string started_at = UtcNowIso8601();

  std::unique_ptr<FileSource> files;
  std::string relative;
  if (args.scenario.empty()) {
    files = std::make_unique<EmbeddedFileSource>(embedded::Files());
    relative = embedded::kDefaultScenario;
  } else {
    std::filesystem::path path(args.scenario);
    files = std::make_unique<DiskFileSource>(path.parent_path());
    relative = path.filename().string();
  }
  ScenarioOverrides overrides;
  overrides.transcripts_path = args.transcripts;
  Result<Scenario> scenario = LoadScenario(*files, relative, overrides);
  if (!scenario) return BadInput(scenario.error());
  const UtteranceSource& utterances = scenario->utterances;
  if (std::string skipped = SkippedWarning(utterances.path, utterances.transcript_load);
      !skipped.empty()) {
    std::cerr << "agentsim: warning: " << EscapeLinesForMessage(skipped) << "\n";
  }
  Result<std::string> scenario_text = files->Read(relative);
  if (!scenario_text) return BadInput(scenario_text.error());
  const std::uint64_t seed = args.seed.value_or(scenario->seed);
  const ThresholdOutputs threshold_outputs{
      args.report, args.summary_export, args.junit,
      "agentsim thresholds: " + scenario->name + " (seed " + std::to_string(seed) + ")"};
  std::vector<std::pair<std::string_view, std::string>> inputs;
  if (!args.scenario.empty()) inputs.emplace_back("the scenario", args.scenario);
  for (const ScenarioAgent& agent : scenario->agents) {
    if (auto path = files->DiskPath(agent.config_path)) {
      inputs.emplace_back("an agent config of the scenario", *path);
    }
  }
  if (args.transcripts) inputs.emplace_back("--transcripts", *args.transcripts);
  if (Status s = CheckOutputPaths(threshold_outputs, inputs); !s) return BadInput(s.error());

  RunInfo info;
  info.scenario_name = scenario->name;
  info.scenario_sha256 = Sha256Hex(*scenario_text);
  info.seed = seed;
  info.parameters_json = ParametersJson(*scenario, seed);
  info.agentsim_version = AGENTSIM_VERSION;
  Result<std::unique_ptr<ReportWriter>> writer = ReportWriter::Open(args.report, info);
  if (!writer) return BadInput(writer.error());

  const auto level = args.verbosity >= 2   ? spdlog::level::debug
                     : args.verbosity == 1 ? spdlog::level::info
                                           : spdlog::level::warn;
  std::cerr << "agentsim: running " << EscapeForMessage(scenario->source_path) << " (seed "
            << seed << ", " << DescribeWorkload(scenario->workload) << ")\n";
  // Live abortOnFail thresholds sit in front of the report; progress goes to stderr. Both are
  // driven every virtual second by the runner's RunControl, which changes no record.
  LiveThresholds live(scenario->thresholds, writer->get());
  for (const std::string& t : live.EndOnly()) {
    std::cerr << "agentsim: note: abortOnFail of " << EscapeForMessage(t)
              << " is evaluated at the end only (its metric or tags are not known during the "
                 "run)\n";
  }
  std::optional<ProgressPrinter> progress;
  // On a terminal, -v's log lines would break into the rewritten line: the log shows progress.
  const bool terminal = isatty(STDERR_FILENO) == 1;
  if (!args.no_progress && !(terminal && args.verbosity > 0)) {
    progress.emplace(&std::cerr, terminal, WallSeconds);
  }
  RunControl control;
  if (progress || live.watching()) {
    control.progress_interval_us = kMicrosPerSecond;
    control.on_progress = [&](const RunProgress& p) -> std::optional<RunAbort> {
      if (progress) progress->Update(p);
      return live.watching() ? live.Check(p.now_us) : std::nullopt;
    };
  }
  RunOutcome outcome = RunScenario(*scenario, seed, live, MakeStderrLogger(level), control);
  if (progress) progress->Finish();

  const double wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
          .count();
  const std::string reproduce = ReproduceCommand(args, seed);
  // An error after the run (the report cannot be written or read back) exits 2 and, as every
  // failing run, ends with the command that reproduces it.
  auto failed_after_run = [&reproduce](std::string_view what, const Error& e) {
    std::cerr << "agentsim: error: " << what << EscapeLinesForMessage(e.message) << "\n";
    std::cout << "reproduce: " << reproduce << "\n";
    return kExitBadInput;
  };
  RunStatistics statistics = Statistics(outcome, scenario->workload.executor.has_value(),
                                        scenario->thresholds.size());
  Result<RoutingTables> routing = RoutingTablesOf(outcome);
  if (!routing) return failed_after_run("", routing.error());
  statistics.routing = std::move(*routing);
  if (Status s = (*writer)->WriteStatistics(statistics); !s) {
    return failed_after_run("writing the report: ", s.error());
  }
  RunTotals totals{outcome.virtual_duration_us, outcome.events_run, outcome.sessions_started,
                   outcome.turns_started};
  if (Status s = (*writer)->Finish(totals, WallClockInfo{started_at, wall_ms, args.command_line});
      !s) {
    return failed_after_run("writing the report: ", s.error());
  }
  // The threshold results are written into the report before anything is printed: a failed
  // write (a full disk) then prints the error alone, not a summary saying all passed first;
  // and before the summary is read, which checks the threshold rows against their counter.
  Result<ThresholdEvaluation> thresholds =
      RecordThresholds(scenario->thresholds, threshold_outputs);
  if (!thresholds) return failed_after_run("", thresholds.error());
  // The session and turn lines from the writer's tally of the rows it wrote (the same figures
  // as scans of those tables, without reading them back); the rest from the file, as
  // `agentsim report`.
  Result<Summary> summary = ReadSummary(args.report, &(*writer)->row_tally());
  if (!summary) return failed_after_run("", summary.error());
  Result<std::string> routing_summary = FormatRoutingSummary(args.report);
  if (!routing_summary) return failed_after_run("", routing_summary.error());
  std::cout << FormatSummary(*summary);
  std::cout << *routing_summary;
  std::cout << FormatThresholds(thresholds->results);
  std::cout << FormatSummaryLine("report", args.report);
  if (args.summary_export) std::cout << FormatSummaryLine("summary export", *args.summary_export);
  if (args.junit) std::cout << FormatSummaryLine("junit", *args.junit);
  // A failed check (a broken invariant) outranks a failed threshold or an abort (exit 99, as
  // k6's abortOnFail); the reproduce line is last.
  const std::string threshold_failures = ThresholdFailureLine(*thresholds);
  if (outcome.check_failures > 0 || !threshold_failures.empty() || outcome.abort) {
    if (outcome.check_failures > 0) {
      std::cout << "FAILED: " << outcome.check_failures
                << " check(s) failed; see the check_failure table\n";
    }
    if (outcome.abort) std::cout << AbortLine(*outcome.abort);
    std::cout << threshold_failures;
    std::cout << "reproduce: " << reproduce << "\n";
    return outcome.check_failures > 0 ? kExitCheckFailed : kExitThresholdsFailed;
  }
  std::cout << FormatSummaryLine("reproduce", reproduce);
  return kExitOk;
}

}  // namespace agentsim::app
