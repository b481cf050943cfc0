// The routing part of a scenario (docs/scenario-format.md, "Routing, experiments, hot reload"):
// A/B experiments, a blue-green rollout, outcome metrics with a known true effect, the hot
// reload policy and the timeline of config changes.
//
// How a session is routed (sim/session_router.h): the first experiment that takes its user
// decides the agent; else the rollout (old or new agent); else the agents' weights.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/agent/agent.h"
#include "core/config/agent_config.h"
#include "core/experiments/ab_test_manager.h"
#include "core/experiments/traffic_router.h"
#include "core/json/json_document.h"
#include "core/ports/clock.h"

namespace agentsim {

class FileSource;
struct Scenario;

// An outcome a scenario defines per session (e.g. "the candidate finished the interview"), with
// a declared true effect per agent: the known truth the A/B analysis must recover.
//   proportion: success ~ Bernoulli(base_rate + effect[agent])       (clamped to [0, 1])
//   numeric:    value   ~ Normal(mean + effect[agent], sd)
// Drawn once per completed session from the session's stream, with one
// uniform (proportion) or one normal deviate (numeric) that does not depend on the agent, so
// variants compared with common random numbers differ only by the effect.
struct OutcomeMetricSpec {
  enum class Kind { kProportion, kNumeric };
  std::string name;
  Kind kind = Kind::kProportion;
  double base_rate = 0.5;  // proportion
  double mean = 0;         // numeric, in the metric's own unit
  double sd = 1;           // numeric, > 0
  std::map<std::string, double> effects;  // agent_id -> additive true effect
};

// What a session does on a config change, and how workers learn of it (core ConfigWatcher).
struct HotReloadSpec {
  bool watch = true;  // one ConfigWatcher per worker consumes the change stream
  ConfigReloadPolicy policy = ConfigReloadPolicy::kNextTurn;
  Micros poll_interval_us = 1 * kMicrosPerSecond;
};

// A change applied by the runner at a virtual instant (config changes through the real write
// path: ConfigurationStore with a scenario admin principal, so they are validated and audited;
// outages through the run's FaultControl, mocks/chaos_control.h: an outage started and never
// ended lasts to the end of the run).
struct TimelineEventSpec {
  enum class Kind {
    kPublishConfig, kEnableConfig, kDisableConfig, kStartOutage, kEndOutage,
    kSetArrivalRate, kSetFeatureFlag  // workload actions: sim/workload/timeline_actions.h
  };
  Micros at_us = 0;
  Kind kind = Kind::kPublishConfig;
  std::string config_path;  // publish: as written
  std::string json_text;    // publish: the document
  std::shared_ptr<const AgentConfig> config;  // publish: parsed and validated
  std::string agent_id;     // config kinds and set_feature_flag
  std::string version;      // config kinds
  std::string outage_backend;   // outages: "llm" | "tts" | "store" | "shared_cache"
  // Outages of llm/tts: one provider the scenario calls (an agent's, a published config's or
  // one under backends.<backend>.providers; else refused at load); "": every provider.
  std::string outage_provider;
  double arrival_rate = 0;                  // set_arrival_rate: sessions per time unit, >= 0
  Micros time_unit_us = kMicrosPerSecond;   // set_arrival_rate
  std::string flag;                         // set_feature_flag: the flag's name
  bool flag_value = false;                  // set_feature_flag
};

// "publish_config", "enable_config", "disable_config", "start_outage", "end_outage".
std::string_view TimelineEventKindName(TimelineEventSpec::Kind kind);

struct RoutingSpec {
  std::vector<ExperimentConfig> experiments;  // checked with ABTestManager::AddExperiment
  std::optional<RolloutConfig> rollout;       // checked with TrafficRouter::Create
  std::vector<OutcomeMetricSpec> outcomes;
  HotReloadSpec hot_reload;
  std::vector<TimelineEventSpec> timeline;  // ascending at_us (ties: file order)
  bool random_user_ids = false;             // workload.user_ids == "random"
};

// Reads "experiments", "rollout", "outcomes", "hot_reload" and "timeline" into s.routing,
// appending every problem to `errors` ("file:line:col: /pointer: what was expected"). Agent ids
// must name the scenario's agents (call after the agents are read).
void ReadRouting(const JsonDocument& doc, const FileSource& files, Scenario& s,
                 std::vector<std::string>* errors);

}  // namespace agentsim
