#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "core/json/json_document.h"
#include "reports/digest.h"
#include "reports/routing_summary.h"
#include "reports/summary.h"
#include "reports/thresholds/threshold_format.h"
#include "reports/thresholds/threshold_table.h"

namespace agentsim::app {

int ReportCommand(const ReportArgs& args) {
  if (args.digest) {
    Result<std::string> digest = ComputeReportDigest(args.db);
    if (!digest) {
      std::cerr << "agentsim: error: " << EscapeLinesForMessage(digest.error().message) << "\n";
      return kExitBadInput;
    }
    // A file `agentsim report` refuses (e.g. its run row deleted) has no digest either.
    Result<Summary> summary = ReadSummary(args.db);
    if (!summary) {
      std::cerr << "agentsim: error: " << EscapeLinesForMessage(summary.error().message) << "\n";
      return kExitBadInput;
    }
    std::cout << *digest << "\n";
    // The digest covers whatever rows were written; say so when the run did not finish.
    if (!summary->finished) {
      std::cerr << "agentsim: warning: " << args.db
                << ": the run did not finish; the digest covers the rows written before it "
                   "stopped\n";
    } else if (const std::string unaccounted = RowsUnaccounted(*summary); !unaccounted.empty()) {
      std::cerr << "agentsim: warning: " << args.db << ": report rows unaccounted: " << unaccounted
                << "; the digest covers the rows as they are now, not as the run wrote them\n";
    }
    return kExitOk;
  }
  Result<Summary> summary = ReadSummary(args.db);
  if (!summary) {
    std::cerr << "agentsim: error: " << EscapeLinesForMessage(summary.error().message) << "\n";
    return kExitBadInput;
  }
  std::cout << FormatSummary(*summary);
  Result<std::string> routing = FormatRoutingSummary(args.db);
  if (!routing) {
    std::cerr << "agentsim: error: " << EscapeLinesForMessage(routing.error().message) << "\n";
    return kExitBadInput;
  }
  std::cout << *routing;
  // Reports of a schema without the threshold table have no results to show.
  auto thresholds = ReadThresholdResults(args.db);
  if (!thresholds) {
    std::cerr << "agentsim: error: " << EscapeLinesForMessage(thresholds.error().message) << "\n";
    return kExitBadInput;
  }
  bool threshold_failed = false;
  if (thresholds->has_value()) {
    std::cout << FormatThresholds(**thresholds);
    for (const ThresholdResult& r : **thresholds) threshold_failed = threshold_failed || !r.passed;
  }
  // An unfinished run is not a pass: its checks did not all run; nor is a report whose rows no
  // longer match the run's totals. A failed check outranks a failed threshold, as in
  // `agentsim run`.
  if (summary->check_failures > 0 || !summary->finished || !RowsUnaccounted(*summary).empty()) {
    return kExitCheckFailed;
  }
  return threshold_failed ? kExitThresholdsFailed : kExitOk;
}

}  // namespace agentsim::app
