// The `agentsim` subcommands. Each returns the process exit code:
//   0 success; 1 the run finished but a check failed (e.g. a hidden field was published);
//   2 bad input or usage (the message names file, line:column and JSON pointer);
//   99 the run finished but a threshold failed (k6's code; a failed check takes precedence).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agentsim::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitDenied = 3;  // RBAC or tenant isolation refused the operation
inline constexpr int kExitThresholdsFailed = 99;  // as k6

struct RunArgs {
  std::string scenario;                 // empty: the embedded default scenario
  std::optional<std::uint64_t> seed;    // default: the scenario's seed
  std::string report = "agentsim-report.db";
  std::optional<std::string> transcripts;
  int verbosity = 0;                    // -v: info, -vv: debug
  bool no_progress = false;             // --quiet / --no-progress: no progress on stderr
  std::string command_line;             // for the report's run_wall table
  std::optional<std::string> summary_export;  // --summary-export FILE.json (k6's summary shape)
  std::optional<std::string> junit;           // --junit FILE.xml (one testcase per threshold)
};
int RunCommand(const RunArgs& args);

struct ReportArgs {
  std::string db;
  bool digest = false;
};
int ReportCommand(const ReportArgs& args);

// `agentsim validate FILE...`: checks agent config files with ConfigValidator and prints every
// problem (file:line:col: /pointer: message). 0 when all are valid, 2 otherwise.
int ValidateCommand(const std::vector<std::string>& files);

struct ConfigsArgs {
  std::string action;               // put get list versions deprecate enable disable diff audit
  std::string store;                // --store FILE
  std::string as;                   // --as USER:ROLE:TENANT
  std::vector<std::string> files;   // put: config files; diff: OLD NEW
  std::string agent_id;
  std::string version;
  bool verify = false;              // audit --verify
  bool patches = false;             // audit --patches: print each entry's JSON Patch
};
// `agentsim configs ACTION ... --store FILE`: exit 0 ok; 1 audit verification failed; 2 bad
// input or a refused change (validation, immutability, evolution); 3 permission denied.
int ConfigsCommand(const ConfigsArgs& args);

struct SchemaArgs {
  std::string config;             // agent config file
  bool response_format = false;   // --response-format: wrapped as OpenAI's response_format
};
// `agentsim schema CONFIG`: prints the JSON Schema (2020-12) of the config's schema. 0 ok; 2 bad
// input.
int SchemaCommand(const SchemaArgs& args);

struct ParseArgs {
  std::string config;    // --config FILE
  bool lenient = false;  // --lenient: lenient coercion whatever schema_config.coercion says
};
// `agentsim parse --config CONFIG [--lenient] < RAW`: prints as JSON what a turn makes of one
// raw LLM output. 0 structured; 1 fallback; 2 bad input.
int ParseCommand(const ParseArgs& args);

struct CompareArgs {
  std::string scenario;                 // scenario file (required)
  std::vector<std::string> variants;    // NAME=CONFIG, at least 2; the first is the baseline
  std::optional<std::uint64_t> seed;    // default: the scenario's seed
  std::string report = "agentsim-compare.db";
  std::string command_line;
  bool no_progress = false;             // --quiet / --no-progress: no progress on stderr
};
// `agentsim compare`: runs the scenario once per variant with the same seed (common random
// numbers) and reports paired differences per metric (docs/cli.md). 0 ok; 1 a check failed in
// a variant run; 2 bad input.
int CompareCommand(const CompareArgs& args);

}  // namespace agentsim::app
