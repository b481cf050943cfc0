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
    return kExitOk;
  }
  Result<Summary> summary = ReadSummary(args.db);
  if (!summary) {
    std::cerr << "agentsim: error: " << summary.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << FormatSummary(*summary);
  return summary->check_failures > 0 ? kExitCheckFailed : kExitOk;
}

}  // namespace agentsim::app
