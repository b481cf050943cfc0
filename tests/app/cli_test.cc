// End-to-end tests of the `agentsim` binary: the commands a user runs, their output and exit
// codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "tests/app/cli_runner.h"

namespace {

using agentsim::testing::CliResult;
using agentsim::testing::RunCli;
using agentsim::testing::RunShell;

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

std::string TempDir(const std::string& name) { return agentsim::testing::FreshDir("cli_", name); }

std::string Digest(const std::string& db, const std::string& cwd) {
  CliResult r = RunCli("report '" + db + "' --digest", cwd);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, MatchesRegex("[0-9a-f]{64}\n")) << r.output;
  return r.output;
}

TEST(CliTest, DefaultScenarioRunsFromAnyFolderAndIsDeterministic) {
  const std::string dir = TempDir("default");  // no scenario files here: they are embedded
  CliResult first = RunCli("run --report a.db", dir);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("scenario             default (seed 42)"));
  EXPECT_THAT(first.output, HasSubstr("sessions             300 (300 completed"));
  EXPECT_THAT(first.output, HasSubstr("time to first audio"));
  EXPECT_THAT(first.output, HasSubstr("report               a.db"));
  // The program as invoked (here by its absolute path), not a bare "agentsim" nothing installs.
  EXPECT_THAT(first.output, HasSubstr("reproduce            " AGENTSIM_BINARY " run --seed 42\n"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/a.db"));

  CliResult second = RunCli("run --report b.db", dir);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  CliResult other = RunCli("run --seed 7 --report c.db", dir);
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_EQ(Digest("a.db", dir), Digest("b.db", dir));
  EXPECT_NE(Digest("a.db", dir), Digest("c.db", dir));

  CliResult summary = RunCli("report a.db", dir);
  EXPECT_EQ(summary.exit_code, 0) << summary.output;
  EXPECT_THAT(summary.output, HasSubstr("sessions             300 (300 completed"));
}

TEST(CliTest, SgdScenarioGivesTheSameReportFromJsonlAndLiveKitFolder) {
  const std::string dir = TempDir("sgd");
  const std::string scenario = AGENTSIM_SOURCE_DIR "/scenarios/sgd_replay.json";
  CliResult jsonl = RunCli("run '" + scenario + "' --report jsonl.db", dir);
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.output;
  EXPECT_THAT(jsonl.output, HasSubstr("scenario             sgd-replay (seed 7)"));
  EXPECT_THAT(jsonl.output, HasSubstr("sessions             128 (128 completed"));
  CliResult livekit = RunCli("run '" + scenario + "' --report livekit.db --transcripts '" +
                                 AGENTSIM_SHARED_DIR "/data/sgd/sgd_dev_011.livekit'",
                             dir);
  ASSERT_EQ(livekit.exit_code, 0) << livekit.output;
  EXPECT_THAT(livekit.output, HasSubstr("--transcripts"));
  EXPECT_EQ(Digest("jsonl.db", dir), Digest("livekit.db", dir));
  CliResult again = RunCli("run '" + scenario + "' --report again.db", dir);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Digest("jsonl.db", dir), Digest("again.db", dir));
}

TEST(CliTest, DefaultScenarioAcceptsTranscriptsInPlaceOfTheCorpus) {
  const std::string dir = TempDir("default_transcripts");
  CliResult r = RunCli("run --report t.db --transcripts '" AGENTSIM_SHARED_DIR
                       "/data/sgd/sgd_dev_011.openai.jsonl'",
                       dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("sessions             300 (300 completed"));
}

TEST(CliTest, BrokenScenarioExitsTwoNamingFileLineAndColumn) {
  const std::string dir = TempDir("broken");
  std::ofstream(dir + "/broken.json")
      << "{\n  \"name\": \"x\",\n  \"workload\": {\"sessions\": -1}\n";
  CliResult r = RunCli("run broken.json", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("agentsim: error: broken.json:4:1: invalid JSON"));

  std::ofstream(dir + "/bad_value.json")
      << "{\n  \"name\": \"x\",\n  \"agents\": [{\"config\": \"missing.json\"}],\n"
         "  \"workload\": {\"sessions\": -1, \"arrival_rate_per_s\": 1},\n"
         "  \"utterances\": {\"source\": \"corpus\", \"path\": \"c.json\"}\n}\n";
  CliResult v = RunCli("run bad_value.json", dir);
  EXPECT_EQ(v.exit_code, 2) << v.output;
  EXPECT_THAT(v.output, HasSubstr("bad_value.json:4:28: /workload/sessions: expected an integer"));
  EXPECT_THAT(v.output, HasSubstr("bad_value.json:3:25: /agents/0/config: no such file:"));
}

TEST(CliTest, BadUsageAndMissingFilesExitTwo) {
  const std::string dir = TempDir("usage");
  EXPECT_EQ(RunCli("run --seed notanumber", dir).exit_code, 2);
  EXPECT_EQ(RunCli("frobnicate", dir).exit_code, 2);
  CliResult missing = RunCli("run nothere.json", dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("no such file: nothere.json"));
  CliResult report = RunCli("report nothere.db", dir);
  EXPECT_EQ(report.exit_code, 2);
  EXPECT_THAT(report.output, HasSubstr("nothere.db"));
  CliResult transcripts = RunCli("run --transcripts nothere.jsonl", dir);
  EXPECT_EQ(transcripts.exit_code, 2);
  EXPECT_THAT(transcripts.output, HasSubstr("--transcripts: "));
}

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `name` in `dir`: the default scenario with its files named by absolute path (so that it
// runs from `dir`), and `from` replaced by `to` when given.
std::string WriteDefaultScenario(const std::string& dir, const std::string& name,
                                 const std::string& from = "", const std::string& to = "") {
  std::string text = FileText(AGENTSIM_SOURCE_DIR "/scenarios/default.json");
  for (const std::string folder : {"configs/", "corpus/"}) {
    for (std::size_t at = 0; (at = text.find("\"" + folder, at)) != std::string::npos;) {
      const std::string absolute = "\"" AGENTSIM_SOURCE_DIR "/scenarios/" + folder;
      text.replace(at, folder.size() + 1, absolute);
      at += absolute.size();
    }
  }
  if (!from.empty()) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  std::ofstream(dir + "/" + name) << text;
  return name;
}

constexpr char kStrictConfig[] =
    AGENTSIM_SOURCE_DIR "/scenarios/configs/interview-strict-v1.json";

// Writes `config_text` as `dir`/strict.json and the default scenario as `dir`/`name`, its strict
// agent config replaced by that copy.
void WriteScenarioWithStrictCopy(const std::string& dir, const std::string& name,
                                 const std::string& config_text) {
  std::ofstream(dir + "/strict.json") << config_text;
  WriteDefaultScenario(dir, name, kStrictConfig, dir + "/strict.json");
}

TEST(CliTest, ReproduceLineNamesTheProgramAsInvokedAndPastesBack) {
  const std::string dir = TempDir("reproduce");
  std::filesystem::create_directories(dir + "/it's here");
  std::filesystem::create_symlink(AGENTSIM_BINARY, dir + "/it's here/agentsim");
  WriteDefaultScenario(dir, "my scenario.json");
  CliResult r = RunShell("\"./it's here/agentsim\" run 'my scenario.json' --report a.db", dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string reproduce = "'./it'\\''s here/agentsim' run 'my scenario.json' --seed 42";
  EXPECT_THAT(r.output, HasSubstr("reproduce            " + reproduce + "\n"));
  CliResult again = RunShell(reproduce + " --report b.db", dir);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Digest("a.db", dir), Digest("b.db", dir));
}

// Paths with a control character: the output shows none (escaped as <U+001B>), and the
// reproduce line uses $'...' with \x escapes, which bash pastes back (tester's finding: raw ESC).
TEST(CliTest, ControlCharactersInPathsNeverReachTheTerminal) {
  const std::string dir = TempDir("control_paths");
  WriteDefaultScenario(dir, "e\x1b[31m.json");
  // $'...' is bash's (and POSIX.1-2024's), not dash's: the commands run from bash scripts.
  std::ofstream(dir + "/run.sh") << "'" AGENTSIM_BINARY
                                    "' run $'e\\x1b[31m.json' --report $'r\\x1b[2m.db'\n";
  CliResult r = RunShell("bash run.sh", dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find('\x1b'), std::string::npos) << r.output;
  EXPECT_THAT(r.output, HasSubstr("report               r<U+001B>[2m.db\n"));
  const std::string reproduce = " run $'e\\x1b[31m.json' --seed 42";
  EXPECT_THAT(r.output, HasSubstr(reproduce + "\n")) << r.output;
  // Pasted back into bash (the program word is a plain path here).
  std::ofstream(dir + "/again.sh") << "'" AGENTSIM_BINARY "'" << reproduce << " --report b.db\n";
  CliResult again = RunShell("bash again.sh", dir);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Digest("r\x1b[2m.db", dir), Digest("b.db", dir));

  CliResult missing = RunShell("'" AGENTSIM_BINARY "' report 'no\x1b[31mpe.db'", dir);
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("no<U+001B>[31mpe.db"));
  EXPECT_EQ(missing.output.find('\x1b'), std::string::npos) << missing.output;
}

TEST(CliTest, LongNonAsciiStringInAnErrorIsCutNotACrash) {
  const std::string dir = TempDir("utf8_seed");
  std::string seed;
  for (int i = 0; i < 30; ++i) seed += "\xC3\xA9";  // é
  std::string cut;
  for (int i = 0; i < 18; ++i) cut += "\xC3\xA9";
  WriteDefaultScenario(dir, "s.json", "\"seed\": 42", "\"seed\": \"" + seed + "\"");
  CliResult r = RunCli("run s.json --report r.db", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("s.json:19:11: /seed: expected an integer from 0 to "
                                  "18446744073709551615, got string \"" +
                                  cut + "...\""));
}

TEST(CliTest, NumberBeyondTheDoubleRangeIsAnErrorNotACrash) {
  const std::string dir = TempDir("overflow");
  WriteDefaultScenario(dir, "s.json", "\"sessions\": 300", "\"sessions\": 1e400");
  CliResult r = RunCli("run s.json --report r.db", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("agentsim: error: s.json:25:17: invalid JSON: number overflow parsing "
                        "'1e400'\n"));
  // The same inside a transcript line (JSONL files are parsed line by line).
  std::ofstream(dir + "/t.jsonl")
      << "\n{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": -1e400}\n";
  CliResult t = RunCli("run --report t.db --transcripts t.jsonl", dir);
  EXPECT_EQ(t.exit_code, 2) << t.output;
  EXPECT_THAT(t.output, HasSubstr("t.jsonl:2:56: invalid JSON: number overflow parsing '-1e400'"));
}

// A conversation with no user message (a mistyped role) is not replayed: the run says so on
// stderr instead of dropping it silently.
TEST(CliTest, SkippedTranscriptConversationsAreWarnedAbout) {
  const std::string dir = TempDir("skipped_transcripts");
  std::ofstream(dir + "/t.jsonl") << "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n"
                                     "{\"messages\": [{\"role\": \"userr\", \"content\": \"hi\"}]}\n";
  CliResult r = RunCli("run -q --report t.db --transcripts t.jsonl", dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("agentsim: warning: t.jsonl: skipped 1 conversation without a "
                                  "user message with text (t.jsonl#2) (not replayed)\n"));
  CliResult clean = RunCli("run -q --report c.db --transcripts '" AGENTSIM_SHARED_DIR
                           "/data/sgd/sgd_dev_011.openai.jsonl'",
                           dir);
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_THAT(clean.output, Not(HasSubstr("warning")));
}

TEST(CliTest, DeepNestingIsRefusedNotACrash) {
  const std::string dir = TempDir("deep");
  std::ofstream(dir + "/deep.json") << std::string(100'000, '[') << "}";
  CliResult r = RunCli("run deep.json --report r.db", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("agentsim: error: deep.json:1:257: nesting deeper than 256 levels\n"));
  // A deep but well-formed value beside a bad one used to overflow the stack while locating it.
  WriteDefaultScenario(
      dir, "s.json", "\"seed\": 42",
      "\"seed\": -1, \"x\": " + std::string(100'000, '[') + std::string(100'000, ']'));
  CliResult s = RunCli("run s.json --report r.db", dir);
  EXPECT_EQ(s.exit_code, 2) << s.output;
  EXPECT_THAT(s.output, HasSubstr("nesting deeper than 256 levels"));
}

// A repeated key is one problem among the file's others: the scenario's, and its agent
// config's (tester's finding: only the repeat was printed).
TEST(CliTest, RepeatedKeysAreReportedWithTheOtherProblems) {
  const std::string dir = TempDir("repeated");
  WriteDefaultScenario(dir, "s.json", "\"seed\": 42", "\"seed\": 7, \"seed\": 8, \"nmae\": 1");
  CliResult r = RunCli("run s.json --report r.db", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("agentsim: error: s.json:19:22: /seed: duplicate key: "));
  EXPECT_THAT(r.output,
              HasSubstr("\ns.json:19:33: /nmae: unknown key 'nmae' (did you mean 'name'?)\n"));

  std::string config = FileText(kStrictConfig);
  const std::string anchor = "\"version\": \"1.0.0\",";
  const std::size_t at = config.find(anchor);
  ASSERT_NE(at, std::string::npos);
  config.replace(at, anchor.size(), anchor + " \"version\": \"1.0\",");
  WriteScenarioWithStrictCopy(dir, "c.json", config);
  CliResult c = RunCli("run c.json --report r.db", dir);
  EXPECT_EQ(c.exit_code, 2) << c.output;
  EXPECT_THAT(c.output, HasSubstr("strict.json:4:34: /version: duplicate key: "));
  EXPECT_THAT(c.output, HasSubstr("strict.json:4:34: /version: expected a SemVer 2.0.0 version"));
}

// Outputs are refused, before the run and writing nothing, over an agent config of the
// scenario, through a dangling link to another output, or inside a --transcripts folder
// (tester's findings; tests/app/thresholds_cli_test.cc has the plain cases).
TEST(CliTest, OutputsNeverLandOnInputsOrEachOther) {
  const std::string dir = TempDir("outputs_inputs");
  const std::string config = FileText(kStrictConfig);
  WriteScenarioWithStrictCopy(dir, "s.json", config);
  CliResult c = RunCli("run s.json --report r.db --summary-export strict.json", dir);
  EXPECT_EQ(c.exit_code, 2) << c.output;
  EXPECT_THAT(c.output, HasSubstr("agentsim: error: --summary-export strict.json: the same file "
                                  "as an agent config of the scenario (an output must not "
                                  "overwrite an input)\n"));
  EXPECT_EQ(FileText(dir + "/strict.json"), config);

  std::filesystem::create_symlink("n.db", dir + "/dangling.xml");  // n.db does not exist yet
  CliResult d = RunCli("run s.json --report n.db --junit dangling.xml", dir);
  EXPECT_EQ(d.exit_code, 2) << d.output;
  EXPECT_THAT(d.output, HasSubstr("agentsim: error: --junit dangling.xml: the same file as "
                                  "--report (each output needs its own file)\n"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/n.db"));

  std::filesystem::copy(AGENTSIM_SHARED_DIR "/data/sgd/sgd_dev_011.livekit", dir + "/tr",
                        std::filesystem::copy_options::recursive);
  CliResult t = RunCli("run --report t.db --transcripts tr --summary-export tr/sub.json", dir);
  EXPECT_EQ(t.exit_code, 2) << t.output;
  EXPECT_THAT(t.output, HasSubstr("agentsim: error: --summary-export tr/sub.json: inside the "
                                  "folder of --transcripts (an output must not be written among "
                                  "the inputs)\n"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/tr/sub.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/t.db"));
}

TEST(CliTest, ReportPathThatIsNotAReportIsNeverReplaced) {
  const std::string dir = TempDir("victim");
  // The user's repro: the scenario itself given as the report path.
  WriteDefaultScenario(dir, "victim.json");
  const std::string before = FileText(dir + "/victim.json");
  CliResult r = RunCli("run victim.json --report victim.json", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("agentsim: error: --report victim.json: the same file as the "
                                  "scenario (an output must not overwrite an input)\n"));
  EXPECT_EQ(FileText(dir + "/victim.json"), before);
  // Any other file that is not a report is refused too.
  std::ofstream(dir + "/notes.json") << "{\"mine\": true}";
  CliResult other = RunCli("run victim.json --report notes.json", dir);
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_THAT(other.output, HasSubstr("agentsim: error: notes.json: refusing to replace it with "
                                      "the report: not an agentsim report (not an SQLite "
                                      "database)\n"));
  EXPECT_EQ(FileText(dir + "/notes.json"), "{\"mine\": true}");

  CliResult device = RunCli("run --report /dev/null", dir);
  EXPECT_EQ(device.exit_code, 2) << device.output;
  EXPECT_THAT(device.output, HasSubstr("agentsim: error: /dev/null: refusing to write the report "
                                       "there: not a regular file\n"));

  // An existing report is replaced.
  ASSERT_EQ(RunCli("run --report a.db", dir).exit_code, 0);
  ASSERT_EQ(RunCli("run --seed 7 --report a.db", dir).exit_code, 0);
  EXPECT_THAT(RunCli("report a.db", dir).output, HasSubstr("default (seed 7)"));
}

TEST(CliTest, InputThatNeverEndsIsRefused) {
  const std::string dir = TempDir("endless");
  CliResult zero = RunCli("run /dev/zero", dir);
  EXPECT_EQ(zero.exit_code, 2) << zero.output;
  EXPECT_THAT(zero.output, HasSubstr("agentsim: error: /dev/zero: expected a regular file, found "
                                     "a character device\n"));
  ASSERT_EQ(mkfifo((dir + "/fifo.json").c_str(), 0600), 0);
  CliResult fifo = RunCli("run fifo.json", dir);
  EXPECT_EQ(fifo.exit_code, 2) << fifo.output;
  EXPECT_THAT(fifo.output, HasSubstr("agentsim: error: fifo.json: expected a regular file, found "
                                     "a FIFO (named pipe)\n"));
  // A file the scenario names.
  ASSERT_EQ(mkfifo((dir + "/agent.fifo").c_str(), 0600), 0);
  WriteDefaultScenario(dir, "s.json", kStrictConfig, "agent.fifo");
  CliResult config = RunCli("run s.json --report r.db", dir);
  EXPECT_EQ(config.exit_code, 2) << config.output;
  EXPECT_THAT(config.output,
              HasSubstr("/agents/0/config: agent.fifo: expected a regular file, found a FIFO "
                        "(named pipe)\n"));
}

TEST(CliTest, SeedMustBeADecimalUint64) {
  const std::string dir = TempDir("seed");
  for (const char* bad : {"-1", "18446744073709551616", "+5", "0x10", "1e3", "' 5'", "''"}) {
    SCOPED_TRACE(bad);
    CliResult r = RunCli(std::string("run --seed ") + bad + " --report r.db", dir);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_THAT(r.output, HasSubstr("agentsim: error: --seed: expected a decimal integer from 0 "
                                    "to 18446744073709551615, got \""));
    EXPECT_FALSE(std::filesystem::exists(dir + "/r.db"));
  }
  CliResult max = RunCli("run --seed 18446744073709551615 --report r.db", dir);
  EXPECT_EQ(max.exit_code, 0) << max.output;
  EXPECT_THAT(max.output, HasSubstr("scenario             default (seed 18446744073709551615)\n"));
  EXPECT_THAT(max.output, HasSubstr(" run --seed 18446744073709551615\n"));
}

TEST(CliTest, ReportOnAnUnfinishedRunSaysSoAndExitsOne) {
  const std::string dir = TempDir("unfinished");
  ASSERT_EQ(RunCli("run --report k.db", dir).exit_code, 0);
  // What a killed run leaves: the run row without its totals, no run_wall row.
  const std::string kill =
      "cd '" + dir +
      "' && sqlite3 k.db \"UPDATE run SET virtual_duration_us = NULL, events_run = NULL, "
      "sessions_started = NULL, turns_started = NULL; DELETE FROM run_wall;\"";
  ASSERT_EQ(std::system(kill.c_str()), 0);
  CliResult r = RunCli("report k.db", dir);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("virtual time         unknown (run not finished)\n"));
  EXPECT_THAT(r.output, HasSubstr("checks               unknown: the run did not finish\n"));
  CliResult digest = RunCli("report k.db --digest", dir);
  EXPECT_EQ(digest.exit_code, 0) << digest.output;
  EXPECT_THAT(digest.output,
              HasSubstr("agentsim: warning: k.db: the run did not finish; the digest covers the "
                        "rows written before it stopped\n"));
}

// Turn rows deleted from a finished report by hand: `report` no longer calls it a pass (exit 1,
// the checks line says what is missing); `--digest` still prints the digest, with a warning.
TEST(CliTest, ReportWithRowsDeletedAfterTheRunSaysSoAndExitsOne) {
  const std::string dir = TempDir("rows_deleted");
  ASSERT_EQ(RunCli("run --report d.db", dir).exit_code, 0);
  CliResult started = RunShell("sqlite3 d.db 'SELECT turns_started FROM run'", dir);
  ASSERT_EQ(started.exit_code, 0) << started.output;
  const long turns = std::stol(started.output);
  ASSERT_GT(turns, 3);
  ASSERT_EQ(RunShell("sqlite3 d.db 'DELETE FROM turn WHERE (session_id, turn_index) IN (SELECT "
                     "session_id, turn_index FROM turn ORDER BY 1, 2 LIMIT 3)'",
                     dir)
                .exit_code,
            0);
  const std::string missing = std::to_string(turns) + " turns started, " +
                              std::to_string(turns - 3) + " turn rows";
  CliResult r = RunCli("report d.db", dir);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("checks               report rows unaccounted: " + missing +
                                  " (edited or damaged after the run)\n"));
  CliResult digest = RunCli("report d.db --digest", dir);
  EXPECT_EQ(digest.exit_code, 0) << digest.output;
  EXPECT_THAT(digest.output, HasSubstr("agentsim: warning: d.db: report rows unaccounted: " +
                                       missing + "; the digest covers the rows as they are now, "
                                       "not as the run wrote them\n"));
  // Without its run row the file is no report: `report` and `--digest` refuse it alike.
  ASSERT_EQ(RunShell("sqlite3 d.db 'DELETE FROM run'", dir).exit_code, 0);
  CliResult no_run = RunCli("report d.db", dir);
  EXPECT_EQ(no_run.exit_code, 2) << no_run.output;
  EXPECT_THAT(no_run.output, HasSubstr("d.db: not an agentsim report: the run table is empty\n"));
  CliResult no_run_digest = RunCli("report d.db --digest", dir);
  EXPECT_EQ(no_run_digest.exit_code, 2) << no_run_digest.output;
  EXPECT_THAT(no_run_digest.output,
              HasSubstr("d.db: not an agentsim report: the run table is empty\n"));
}

// `run` prints its session and turn lines from the writer's tally of the rows it wrote; `report`
// scans the session and turn tables. Both print the same lines: for a run with fallbacks, one
// with every malformed-output reason, one with refused sessions and one with dropped sessions.
TEST(CliTest, RunAndReportPrintTheSameSessionAndTurnLines) {
  const std::string dir = TempDir("turn_lines");
  auto turn_lines = [](const std::string& output) {
    std::string lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
      for (const char* label : {"sessions ", "turns ", "reasons ", "time to first audio ",
                                "turn latency "}) {
        if (line.starts_with(label)) lines += line + "\n";
      }
    }
    return lines;
  };
  for (const std::string& scenario :
       {std::string(), std::string(AGENTSIM_SOURCE_DIR "/scenarios/llm_outputs.json"),
        std::string(AGENTSIM_SOURCE_DIR "/scenarios/tenant_quotas.json"),
        std::string(AGENTSIM_SOURCE_DIR "/scenarios/arrival_spike.json")}) {
    CliResult run = RunCli("run --report t.db " + scenario, dir);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    CliResult report = RunCli("report t.db", dir);
    ASSERT_EQ(report.exit_code, 0) << report.output;
    const std::string lines = turn_lines(run.output);
    EXPECT_THAT(lines, HasSubstr("sessions             "));
    EXPECT_THAT(lines, HasSubstr("\ntime to first audio  p50 "));
    EXPECT_THAT(lines, HasSubstr("\nturn latency         p50 "));
    EXPECT_EQ(lines, turn_lines(report.output)) << scenario;
    std::filesystem::remove(dir + "/t.db");
  }
}

}  // namespace
