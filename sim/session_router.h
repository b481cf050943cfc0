// SessionRouter: which agent serves a new session (docs/scenario-format.md, "Routing").
//
//   1. experiments, in scenario order: the first whose ABTestManager assignment takes the user
//      decides (its variant's agent);
//   2. the rollout, if any: TrafficRouter::Route(user, now) (old or new agent);
//   3. otherwise the agents' weights, by one uniform draw from the session's stream.
// The weights draw is made for every session, whatever decides, so the session's later draws
// (utterances, think times) do not depend on the routing: runs that differ only in routing
// keep common random numbers.
//
// Rollout outcomes are fed back per turn (RecordTurn); stage boundaries are evaluated by the
// runner at TrafficRouter::NextBoundaryUs() and whenever a held stage may have enough outcomes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/agent/records.h"
#include "core/experiments/ab_test_manager.h"
#include "core/experiments/traffic_router.h"
#include "core/rng/rng.h"
#include "core/util/error.h"

namespace agentsim {

struct Scenario;

struct RouteDecision {
  std::size_t agent_index = 0;  // into Scenario::agents
  std::string route;            // "experiment" | "rollout" | "weights"
  std::string key;              // experiment key or rollout id; empty for weights
  int variant = -1;             // experiment variant index; rollout: 0 old, 1 new; -1 weights
  int experiment_index = -1;    // into Scenario::routing.experiments; -1 otherwise
};

class SessionRouter {
 public:
  // Errors: kInvalidArgument when the scenario's experiments or rollout are refused (the
  // scenario loader has already checked them, so this does not happen for loaded scenarios).
  static Result<SessionRouter> Create(const Scenario& scenario);

  // Routes the session of `user_id` starting at `now_us`; draws one uniform from `rng`.
  RouteDecision Route(const std::string& user_id, Micros now_us, Rng& rng);

  ABTestManager& experiments() { return experiments_; }
  const ABTestManager& experiments() const { return experiments_; }
  // nullptr without a rollout.
  TrafficRouter* rollout() { return rollout_ ? &*rollout_ : nullptr; }

 private:
  explicit SessionRouter(const Scenario& scenario) : scenario_(&scenario) {}
  std::size_t AgentIndex(const std::string& agent_id) const;

  const Scenario* scenario_;
  std::vector<double> cumulative_weights_;
  ABTestManager experiments_;
  std::optional<TrafficRouter> rollout_;
};

}  // namespace agentsim
