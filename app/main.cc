// agentsim: deterministic simulation of configuration-driven voice agents.
// See docs/cli.md.
#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "app/shell_words.h"
#include "core/json/json_document.h"

namespace {

// A seed as typed: decimal digits only, 0 to 2^64-1 (no sign, no spaces, no wrap-around).
std::optional<std::uint64_t> ParseSeed(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"agentsim: deterministic simulation of configuration-driven voice agents"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", std::string(AGENTSIM_VERSION));

  agentsim::app::RunArgs run;
  // Shell-quoted words, so that the line can be pasted back; its first word is the program as
  // invoked, which the reproduce line repeats.
  for (int i = 0; i < argc; ++i) {
    run.command_line += (i ? " " : "") + agentsim::app::ShellWord(argv[i]);
  }
  CLI::App* run_cmd = cli.add_subcommand(
      "run", "Run a scenario (default: the embedded default scenario) and write a SQLite report");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (JSON, comments allowed)");
  std::string seed_text;
  CLI::Option* seed_opt =
      run_cmd->add_option("--seed", seed_text,
                          "Seed, a decimal integer from 0 to 18446744073709551615 (default: "
                          "the scenario's)");
  run_cmd->add_option("--report", run.report, "Report path (SQLite)")->capture_default_str();
  std::string transcripts;
  CLI::Option* transcripts_opt = run_cmd->add_option(
      "--transcripts", transcripts,
      "Replace the utterance source: OpenAI chat JSONL file, LiveKit ChatContext JSON file or "
      "folder");
  run_cmd->add_flag("-v,--verbose", run.verbosity, "Log on virtual time (-vv: debug)");
  run_cmd->add_flag("-q,--quiet,--no-progress", run.no_progress,
                    "No progress line on stderr (docs/cli.md#progress)");
  std::string summary_export;
  CLI::Option* summary_export_opt = run_cmd->add_option(
      "--summary-export", summary_export,
      "Write the end-of-test summary as JSON in k6's summary shape (docs/thresholds.md)");
  std::string junit;
  CLI::Option* junit_opt = run_cmd->add_option(
      "--junit", junit, "Write JUnit XML with one testcase per threshold (docs/thresholds.md)");

  agentsim::app::ReportArgs report;
  CLI::App* report_cmd = cli.add_subcommand("report", "Summarise an existing report");
  report_cmd->add_option("db", report.db, "Report file (SQLite)")->required();
  report_cmd->add_flag("--digest", report.digest,
                       "Print the SHA-256 digest of the report's deterministic content");

  std::vector<std::string> validate_files;
  CLI::App* validate_cmd = cli.add_subcommand(
      "validate", "Check agent config files; print every problem (exit 2 if any)");
  validate_cmd->add_option("files", validate_files, "Agent config files (JSON)")->required();

  agentsim::app::SchemaArgs schema;
  CLI::App* schema_cmd = cli.add_subcommand(
      "schema", "Print the JSON Schema (2020-12) of a config's structured output");
  schema_cmd->add_option("config", schema.config, "Agent config file (JSON)")->required();
  schema_cmd->add_flag("--response-format", schema.response_format,
                       "Wrap it as an OpenAI response_format (type json_schema)");

  agentsim::app::ParseArgs parse;
  CLI::App* parse_cmd = cli.add_subcommand(
      "parse", "Read one raw LLM output from stdin; print what the agent's turn makes of it");
  parse_cmd->add_option("--config", parse.config, "Agent config file (JSON)")->required();
  parse_cmd->add_flag("--lenient", parse.lenient,
                      "Lenient coercion, whatever the config's schema_config.coercion");

  agentsim::app::ConfigsArgs configs;
  CLI::App* configs_cmd = cli.add_subcommand(
      "configs", "Manage the persistent configuration store (SQLite): versions, audit");
  configs_cmd->require_subcommand(1);
  auto store_option = [&configs](CLI::App* c) {
    c->add_option("--store", configs.store, "Config store file (SQLite; created if absent)")
        ->required();
  };
  auto as_option = [&configs](CLI::App* c) {
    c->add_option("--as", configs.as,
                  "Acting principal USER:ROLE:TENANT (role: admin, "
                  "developer or viewer)")
        ->required();
  };
  CLI::App* put = configs_cmd->add_subcommand("put", "Store config files as new versions");
  put->add_option("files", configs.files, "Agent config files")->required();
  store_option(put);
  as_option(put);
  CLI::App* get = configs_cmd->add_subcommand("get", "Print a config (current or --version)");
  get->add_option("agent_id", configs.agent_id)->required();
  get->add_option("--version", configs.version, "A specific version");
  store_option(get);
  as_option(get);
  CLI::App* list = configs_cmd->add_subcommand("list", "List the tenant's agents");
  store_option(list);
  as_option(list);
  CLI::App* versions = configs_cmd->add_subcommand("versions", "List an agent's versions");
  versions->add_option("agent_id", configs.agent_id)->required();
  store_option(versions);
  as_option(versions);
  for (const char* name : {"deprecate", "enable", "disable"}) {
    CLI::App* c = configs_cmd->add_subcommand(
        name, std::string(name) + " one version (an operational change; audited)");
    c->add_option("agent_id", configs.agent_id)->required();
    c->add_option("version", configs.version)->required();
    store_option(c);
    as_option(c);
  }
  CLI::App* diff = configs_cmd->add_subcommand(
      "diff", "Classify the changes from OLD to NEW (files, or AGENT_ID@VERSION with --store)");
  diff->add_option("old_new", configs.files, "OLD NEW")->required()->expected(2);
  diff->add_option("--store", configs.store, "Config store for AGENT_ID@VERSION references");
  CLI::App* audit = configs_cmd->add_subcommand("audit", "Print the audit log");
  audit->add_flag("--verify", configs.verify,
                  "Verify the hash chain; exit 1 naming the first tampered entry");
  audit->add_flag("--patches", configs.patches,
                  "Print each entry's JSON Patch (RFC 6902) instead of its number of operations");
  store_option(audit);

  agentsim::app::CompareArgs compare;
  compare.command_line = run.command_line;
  CLI::App* compare_cmd = cli.add_subcommand(
      "compare",
      "Run a scenario under each config variant with common random numbers; paired differences");
  compare_cmd->add_option("scenario", compare.scenario, "Scenario file")->required();
  compare_cmd
      ->add_option("--variant", compare.variants,
                   "NAME=CONFIG (repeat; at least 2; the first is the baseline)")
      ->required();
  std::string compare_seed_text;
  CLI::Option* compare_seed_opt =
      compare_cmd->add_option("--seed", compare_seed_text, "Seed (default: the scenario's)");
  compare_cmd->add_option("--report", compare.report, "Report path (SQLite)")
      ->capture_default_str();
  compare_cmd->add_flag("-q,--quiet,--no-progress", compare.no_progress,
                        "No progress line on stderr (docs/cli.md#progress)");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : agentsim::app::kExitBadInput;
  }
  if (*run_cmd) {
    if (*seed_opt) {
      run.seed = ParseSeed(seed_text);
      if (!run.seed) {
        std::cerr << "agentsim: error: --seed: expected a decimal integer from 0 to "
                     "18446744073709551615, got \""
                  << agentsim::EscapeForMessage(seed_text) << "\"\n";
        return agentsim::app::kExitBadInput;
      }
    }
    if (*transcripts_opt) run.transcripts = transcripts;
    if (*summary_export_opt) run.summary_export = summary_export;
    if (*junit_opt) run.junit = junit;
    return agentsim::app::RunCommand(run);
  }
  if (*validate_cmd) return agentsim::app::ValidateCommand(validate_files);
  if (*schema_cmd) return agentsim::app::SchemaCommand(schema);
  if (*parse_cmd) return agentsim::app::ParseCommand(parse);
  if (*compare_cmd) {
    if (*compare_seed_opt) {
      compare.seed = ParseSeed(compare_seed_text);
      if (!compare.seed) {
        std::cerr << "agentsim: error: --seed: expected a decimal integer from 0 to "
                     "18446744073709551615, got \""
                  << agentsim::EscapeForMessage(compare_seed_text) << "\"\n";
        return agentsim::app::kExitBadInput;
      }
    }
    return agentsim::app::CompareCommand(compare);
  }
  if (*configs_cmd) {
    for (CLI::App* sub : configs_cmd->get_subcommands()) configs.action = sub->get_name();
    return agentsim::app::ConfigsCommand(configs);
  }
  return agentsim::app::ReportCommand(report);
}
