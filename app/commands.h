// The `agentsim` subcommands. Each returns the process exit code:
//   0 success; 1 the run finished but a check failed (e.g. a hidden field was published);
//   2 bad input or usage (the message names file, line:column and JSON pointer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace agentsim::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitBadInput = 2;

struct RunArgs {
  std::string scenario;                 // empty: the embedded default scenario
  std::optional<std::uint64_t> seed;    // default: the scenario's seed
  std::string report = "agentsim-report.db";
  std::optional<std::string> transcripts;
  int verbosity = 0;                    // -v: info, -vv: debug
  std::string command_line;             // for the report's run_wall table
};
int RunCommand(const RunArgs& args);

struct ReportArgs {
  std::string db;
  bool digest = false;
};
int ReportCommand(const ReportArgs& args);

}  // namespace agentsim::app
