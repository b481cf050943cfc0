// Thresholds in `agentsim run` (docs/thresholds.md): during the run, abortOnFail thresholds are
// evaluated live on virtual time (LiveThresholds) and stop the run when one fails; after the
// report is finished, every threshold is evaluated against it, stored in its `threshold`
// table, and --summary-export and --junit are written.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/agent/records.h"
#include "core/util/error.h"
#include "reports/thresholds/metric_values.h"
#include "reports/thresholds/threshold_evaluator.h"
#include "sim/runner.h"

namespace agentsim::app {

struct ThresholdOutputs {
  std::string report;                         // the finished report
  std::optional<std::string> summary_export;  // --summary-export FILE.json
  std::optional<std::string> junit;           // --junit FILE.xml
  std::string suite_name;                     // JUnit testsuite name
};

// Checks, before a run, that each output file given can be created (its folder exists and it is
// not a folder), that no two outputs (--report, --summary-export, --junit) name the same file,
// and that no output names one of `inputs` ((what, path): the scenario file, its agent configs,
// the transcripts) or lies inside one that is a folder: a --summary-export over the report or
// the scenario destroyed it. Links are followed (also a dangling one). Errors: kInvalidArgument
// naming the option and the path.
Status CheckOutputPaths(const ThresholdOutputs& outputs,
                        std::span<const std::pair<std::string_view, std::string>> inputs = {});

// Evaluates `specs` on the report, writes the threshold table (also when `specs` is empty: the
// table is then empty) and the requested files. Errors: from EvaluateThresholds and
// WriteThresholdResultsToReport; kUnavailable when an output file cannot be written (the
// message names it).
Result<ThresholdEvaluation> RecordThresholds(std::span<const ThresholdSpec> specs,
                                             const ThresholdOutputs& outputs);

// Live abortOnFail (k6's abortOnFail, docs/thresholds.md#abortonfail): a RecordSink placed in
// front of the report (every record is forwarded to `next` unchanged and in order) that keeps,
// for each abortOnFail threshold, the samples of its metric as the records stream in, and
// evaluates those thresholds when asked (RunControl::on_progress, every virtual second).
//   - As k6 does during a test, a (sub-)metric without samples yet is not evaluated.
//   - A threshold is not evaluated before its delayAbortEval (virtual time from the start).
//   - Followed live: every turn, session and check_failure metric, filtered on the tags a record
//     carries (turn: agent_id, config_version, outcome, reason, llm_provider; session: all its
//     text columns; check_failure: check_name, subject, detail). Cache hit rates and turn
//     metrics filtered on tenant_id are known only at the end: their abortOnFail thresholds are
//     evaluated at the end only (EndOnly()).
// Counter rates are per second of virtual time elapsed. Costs: per record, a test per watched
// threshold; per evaluation, a merge of the trend samples that arrived since the last one.
class LiveThresholds final : public RecordSink {
 public:
  // `specs` must outlive this object; `next` (not owned) receives every record.
  LiveThresholds(std::span<const ThresholdSpec> specs, RecordSink* next);

  void OnTurn(const TurnRecord& turn) override;
  void OnSession(const SessionRecord& session) override;
  void OnCheckFailure(const CheckFailure& failure) override;

  // True when at least one abortOnFail threshold is followed live.
  bool watching() const { return !watched_.empty(); }
  // The abortOnFail thresholds evaluated at the end only ("metric_key: expression").
  const std::vector<std::string>& EndOnly() const { return end_only_; }

  // Evaluates the followed thresholds at virtual instant `now_us`, in the scenario's order; the
  // first that fails stops the run: RunAbort{"threshold_abort", metric key, "'EXPRESSION'
  // OBSERVED (N samples)"} (OBSERVED as FormatObserved shows it, e.g. "p(95)=1734.20ms").
  std::optional<RunAbort> Check(Micros now_us);

 private:
  struct Watched {
    const ThresholdSpec* spec;
    MetricSamples samples;
    std::vector<double> unsorted;  // trend samples not merged into samples.sorted_us yet
  };
  void Add(Watched& w, double trend_value_us, bool rate_pass);

  RecordSink* next_;
  std::vector<Watched> watched_;
  std::vector<std::string> end_only_;
};

// "ABORTED: at 300.000000s virtual by threshold time_to_first_audio_ms 'p(95)<1500'
// p(95)=1734.20ms (42 samples)\n" from the runner's abort record.
std::string AbortLine(const TimelineRecord& abort);

// "FAILED: 2 of 5 thresholds failed (turn_fallback, time_to_first_audio_ms); see the threshold
// table\n": the failed metric keys once each, in result order. "" when none failed.
std::string ThresholdFailureLine(const ThresholdEvaluation& evaluation);

}  // namespace agentsim::app
