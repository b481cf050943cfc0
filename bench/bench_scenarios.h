// Scenarios the benchmarks run: a scenario file on disk (the interview load scenario, or any
// file named by AGENTSIM_BENCH_SCENARIO), and synthetic ones built from the embedded default
// scenario when no file is there. Bench-only helpers; not part of any library.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/log/logger.h"
#include "mocks/response_corpus.h"
#include "scenarios/embedded_scenarios.h"
#include "sim/file_source.h"
#include "sim/scenario.h"

namespace agentsim::bench {

// The embedded default scenario (300 sessions at 0.5/s).
inline Scenario EmbeddedDefault() {
  EmbeddedFileSource files(embedded::Files());
  return *LoadScenario(files, embedded::kDefaultScenario);
}

// A scenario file on disk. Errors: the loader's.
inline Result<Scenario> LoadScenarioFile(const std::filesystem::path& path) {
  DiskFileSource files(path.parent_path());
  return LoadScenario(files, path.filename().string());
}

// The file to bench as "the interview load scenario": $AGENTSIM_BENCH_SCENARIO when set, else
// scenarios/interview_load.json of the source tree when it exists; empty when neither.
inline std::string LoadScenarioPath() {
  if (const char* env = std::getenv("AGENTSIM_BENCH_SCENARIO"); env != nullptr && *env != 0) {
    return env;
  }
#ifdef AGENTSIM_SOURCE_DIR
  const std::filesystem::path p =
      std::filesystem::path(AGENTSIM_SOURCE_DIR) / "scenarios" / "interview_load.json";
  if (std::filesystem::exists(p)) return p.string();
#endif
  return {};
}

// The default scenario scaled up to a load shape: `sessions` sessions arriving at
// `arrival_rate_per_s` (10/s keeps about 1,000 sessions alive at once: Little's law with the
// default's ~100 s sessions), tenant quotas off.
inline Scenario ScaledDefault(std::int64_t sessions, double arrival_rate_per_s) {
  Scenario s = EmbeddedDefault();
  s.name = "default-scaled";
  s.workload.sessions = sessions;
  s.workload.arrival_rate_per_s = arrival_rate_per_s;
  s.quotas_enabled = false;  // the default tier's max_sessions would refuse most of them
  return s;
}

// Many concurrent sessions: `sessions` arrive within about a virtual second, take `turns`
// turns each and think ~10 virtual minutes between turns, so all are alive at once.
// `short_text`: every user utterance and every LLM string is at most 15 bytes (inside
// std::string's small buffer), so the transcript text costs no heap and what is measured is
// the session's own structure.
inline Scenario ManyConcurrentSessions(std::int64_t sessions, int turns, bool short_text) {
  Scenario s = EmbeddedDefault();
  s.name = "many-concurrent";
  s.workload.sessions = sessions;
  s.workload.arrival_rate_per_s = static_cast<double>(sessions);
  s.workload.min_turns = turns;
  s.workload.max_turns = turns;
  s.workload.think_time_ms = LogNormalSpec{600'000.0, 900'000.0};
  s.workload.users = 0;
  s.quotas_enabled = false;  // all of them are admitted
  if (short_text) {
    for (auto& stage : s.utterances.corpus.utterances_by_stage) {
      for (std::string& u : stage) u = "Yes, I did.";
    }
    auto corpus = ResponseCorpus::Parse(
        "bench-short",
        R"({"system_response": ["Go on."], "voice_instructions": ["calm"],)"
        R"( "internal_assessment": ["fine"]})");
    if (corpus) s.response_corpus = std::make_shared<const ResponseCorpus>(std::move(*corpus));
  }
  return s;
}

}  // namespace agentsim::bench
