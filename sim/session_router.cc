#include "sim/session_router.h"

#include "sim/scenario.h"

namespace agentsim {

Result<SessionRouter> SessionRouter::Create(const Scenario& scenario) {
  SessionRouter router(scenario);
  double total = 0;
  for (const ScenarioAgent& agent : scenario.agents) {
    total += agent.weight;
    router.cumulative_weights_.push_back(total);
  }
  for (const ExperimentConfig& e : scenario.routing.experiments) {
    if (Status added = router.experiments_.AddExperiment(e); !added) {
      return std::unexpected(added.error());
    }
  }
  if (scenario.routing.rollout) {
    Result<TrafficRouter> rollout = TrafficRouter::Create(*scenario.routing.rollout);
    if (!rollout) return std::unexpected(rollout.error());
    router.rollout_.emplace(std::move(*rollout));
  }
  return router;
}

std::size_t SessionRouter::AgentIndex(const std::string& agent_id) const {
  for (std::size_t i = 0; i < scenario_->agents.size(); ++i) {
    if (scenario_->agents[i].config->agent_id == agent_id) return i;
  }
  return 0;  // unreachable for a loaded scenario (agent ids are checked)
}

RouteDecision SessionRouter::Route(const std::string& user_id, Micros now_us, Rng& rng) {
  RouteDecision d;
  d.route = "weights";
  const double x = rng.Uniform01() * cumulative_weights_.back();
  d.agent_index = cumulative_weights_.size() - 1;
  for (std::size_t i = 0; i < cumulative_weights_.size(); ++i) {
    if (x < cumulative_weights_[i]) {
      d.agent_index = i;
      break;
    }
  }
  const std::vector<ExperimentConfig>& experiments = scenario_->routing.experiments;
  for (std::size_t e = 0; e < experiments.size(); ++e) {
    Result<Assignment> a = experiments_.Assign(experiments[e].key, user_id);
    if (!a || !a->variant) continue;
    d.route = "experiment";
    d.key = experiments[e].key;
    d.variant = *a->variant;
    d.experiment_index = static_cast<int>(e);
    d.agent_index = AgentIndex(a->agent_id);
    return d;
  }
  if (rollout_) {
    const std::string& agent = rollout_->Route(user_id, now_us);
    d.route = "rollout";
    d.key = rollout_->config().id;
    d.variant = agent == rollout_->config().new_agent_id ? 1 : 0;
    d.agent_index = AgentIndex(agent);
  }
  return d;
}

}  // namespace agentsim
