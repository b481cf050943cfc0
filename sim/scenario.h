// A scenario: what to simulate (docs/scenario-format.md). JSON with comments allowed; every
// problem reported at once as "file:line:col: /pointer: what was expected"; unknown keys are
// errors with a did-you-mean.
//
// LoadScenario also loads what the scenario refers to (agent configs, corpora, transcripts), so
// a loaded scenario is complete and checked before the run starts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config/agent_config.h"
#include "core/config/configuration_store.h"
#include "core/resilience/resilience_registry.h"
#include "core/tenancy/tenant_quota_manager.h"
#include "core/rng/distributions.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/chaos.h"
#include "mocks/mock_room.h"
#include "mocks/mock_shared_cache.h"
#include "mocks/mock_llm.h"
#include "mocks/mock_tts.h"
#include "mocks/response_corpus.h"
#include "reports/thresholds/threshold_parser.h"
#include "sim/file_source.h"
#include "sim/interview_corpus.h"
#include "sim/scenario_routing.h"
#include "sim/transcripts.h"
#include "sim/workload/workload_spec.h"

namespace agentsim {

struct ScenarioAgent {
  std::string config_path;  // as written in the scenario
  double weight = 1.0;      // share of sessions routed to this agent
  std::string json_text;    // the config document (stored in the mock DocumentStore)
  std::shared_ptr<const AgentConfig> config;
};


struct UtteranceSource {
  enum class Kind { kCorpus, kTranscripts };
  Kind kind = Kind::kCorpus;
  std::string path;                   // as written (or as given by --transcripts)
  InterviewCorpus corpus;             // kCorpus
  std::vector<Conversation> conversations;  // kTranscripts
  // kTranscripts: what the load read and left out (conversations without a user message with
  // text, user messages without text); the program warns when anything was left out.
  TranscriptLoadReport transcript_load;
};

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::string source_path;            // the scenario file as displayed ("embedded:default.json")
  std::string sha256;                 // of the scenario file's bytes (set by the caller)
  std::vector<ScenarioAgent> agents;
  WorkloadSpec workload;
  UtteranceSource utterances;
  MockLlmOptions llm;
  MockTtsOptions tts;
  InMemoryDocumentStoreOptions store;      // L3
  bool shared_cache_enabled = true;        // L2
  MockSharedCacheOptions shared_cache;
  std::shared_ptr<const ResponseCorpus> response_corpus;

  // Workers: each has its own ConfigurationStore (L1) and SessionManager; L2, L3 and the
  // backends are shared. Session i runs on worker i mod workers.
  std::int64_t workers = 1;
  ConfigurationStoreOptions config_store;
  // Tenancy: tiers and their quotas (the seed's, with the scenario's overrides), each tenant's
  // tier (from "tenants", else its agents' tenant_config.tier).
  bool quotas_enabled = true;
  std::map<std::string, TierQuota> tiers;
  std::map<std::string, std::string> tenant_tiers;
  // Secrets the simulated SecretResolver knows (env name -> value); never written to reports.
  std::map<std::string, std::string> secrets;
  // Circuit breakers and retry budgets per worker and provider; nullopt: none (configs' retry
  // policies still apply). sim/scenario_faults.h.
  std::optional<ResilienceOptions> resilience;
  // Room disconnects (backends.room.faults) and chaos mode (chaos); sim/scenario_faults.h.
  RoomFaults room_faults;
  ChaosOptions chaos;
  // Experiments, rollout, outcome metrics, hot reload and timeline (sim/scenario_routing.h).
  RoutingSpec routing;
  // k6 thresholds, evaluated on the report after the run (reports/thresholds/threshold_parser.h).
  std::vector<ThresholdSpec> thresholds;
};

struct ScenarioOverrides {
  std::optional<std::string> transcripts_path;  // replaces the utterance source (on disk)
};

// Loads `relative_path` from `files` and everything it refers to. Errors: kInvalidArgument
// (every problem, one per line), kNotFound (a referenced file is missing).
Result<Scenario> LoadScenario(const FileSource& files, const std::string& relative_path,
                              const ScenarioOverrides& overrides = {});

}  // namespace agentsim
