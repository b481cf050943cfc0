#include "sim/scenario_variant.h"

#include "core/config/config_validator.h"
#include "core/json/json_document.h"
#include "core/util/strings.h"

namespace agentsim {

Status CheckComparable(const Scenario& scenario) {
  const RoutingSpec& routing = scenario.routing;
  // Timeline actions that name agents (config versions, flag flips) would not follow a variant
  // that replaces its agent; outages and arrival-rate changes apply to every variant alike.
  bool names_agents = false;
  for (const TimelineEventSpec& e : routing.timeline) {
    using Kind = TimelineEventSpec::Kind;
    if (e.kind != Kind::kStartOutage && e.kind != Kind::kEndOutage &&
        e.kind != Kind::kSetArrivalRate) {
      names_agents = true;
    }
  }
  if (!routing.experiments.empty() || routing.rollout || names_agents) {
    return InvalidArgument(scenario.source_path +
                           ": compare needs a scenario without \"experiments\", \"rollout\" or "
                           "\"timeline\" actions on agents (publish_config, enable_config, "
                           "disable_config, set_feature_flag): they route by agent id");
  }
  return {};
}

Result<Scenario> WithAgentVariant(Scenario scenario, const std::string& display_path,
                                  const std::string& json_text) {
  if (Status comparable = CheckComparable(scenario); !comparable) {
    return std::unexpected(std::move(comparable.error()));
  }
  std::vector<std::string> problems;
  std::optional<JsonDocument> doc = ParseValidAgentConfig(display_path, json_text, &problems);
  if (!doc) return InvalidArgument(JoinLines(problems));
  Result<AgentConfig> config = ParseAgentConfig(*doc);
  if (!config) return std::unexpected(config.error());
  ScenarioAgent* target = nullptr;
  std::string ids;
  for (ScenarioAgent& a : scenario.agents) {
    ids += (ids.empty() ? "" : ", ") + a.config->agent_id;
    if (a.config->agent_id == config->agent_id) target = &a;
  }
  if (target == nullptr && scenario.agents.size() == 1) target = &scenario.agents[0];
  if (target == nullptr) {
    return InvalidArgument(display_path + ": agent_id \"" + config->agent_id +
                           "\" is none of the scenario's agents (" + ids +
                           "); a variant replaces the agent with its agent_id");
  }
  target->config_path = display_path;
  target->json_text = json_text;
  target->config = std::make_shared<const AgentConfig>(std::move(*config));
  return scenario;
}

}  // namespace agentsim
