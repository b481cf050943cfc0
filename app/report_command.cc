#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "reports/digest.h"
#include "reports/summary.h"

namespace agentsim::app {

int ReportCommand(const ReportArgs& args) {
  if (args.digest) {
    Result<std::string> digest = ComputeReportDigest(args.db);
    if (!digest) {
      std::cerr << "agentsim: error: " << digest.error().message << "\n";
      return kExitBadInput;
    }
    std::cout << *digest << "\n";
    // The digest covers whatever rows were written; say so when the run did not finish.
    if (Result<Summary> summary = ReadSummary(args.db); summary && !summary->finished) {
      std::cerr << "agentsim: warning: " << args.db
                << ": the run did not finish; the digest covers the rows written before it "
                   "stopped\n";
    }
    return kExitOk;
  }
  Result<Summary> summary = ReadSummary(args.db);
  if (!summary) {
    std::cerr << "agentsim: error: " << summary.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << FormatSummary(*summary);
  // An unfinished run is not a pass: its checks did not all run.
  return summary->check_failures > 0 || !summary->finished ? kExitCheckFailed : kExitOk;
}

}  // namespace agentsim::app
