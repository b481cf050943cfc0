// agentsim: deterministic simulation of configuration-driven voice agents.
// See docs/cli.md.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App cli{"agentsim: deterministic simulation of configuration-driven voice agents"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", std::string(AGENTSIM_VERSION));

  agentsim::app::RunArgs run;
  for (int i = 0; i < argc; ++i) run.command_line += (i ? " " : "") + std::string(argv[i]);
  CLI::App* run_cmd = cli.add_subcommand(
      "run", "Run a scenario (default: the embedded default scenario) and write a SQLite report");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (JSON, comments allowed)");
  std::uint64_t seed = 0;
  CLI::Option* seed_opt =
      run_cmd->add_option("--seed", seed, "Seed (default: the scenario's)");
  run_cmd->add_option("--report", run.report, "Report path (SQLite)")
      ->capture_default_str();
  std::string transcripts;
  CLI::Option* transcripts_opt = run_cmd->add_option(
      "--transcripts", transcripts,
      "Replace the utterance source: OpenAI chat JSONL file, LiveKit ChatContext JSON file or "
      "folder");
  run_cmd->add_flag("-v,--verbose", run.verbosity, "Log on virtual time (-vv: debug)");

  agentsim::app::ReportArgs report;
  CLI::App* report_cmd = cli.add_subcommand("report", "Summarise an existing report");
  report_cmd->add_option("db", report.db, "Report file (SQLite)")->required();
  report_cmd->add_flag("--digest", report.digest,
                       "Print the SHA-256 digest of the report's deterministic content");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : agentsim::app::kExitBadInput;
  }
  if (*run_cmd) {
    if (*seed_opt) run.seed = seed;
    if (*transcripts_opt) run.transcripts = transcripts;
    return agentsim::app::RunCommand(run);
  }
  return agentsim::app::ReportCommand(report);
}
