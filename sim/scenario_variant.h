// Config variants of a scenario (agentsim compare): the same scenario, workload and seed, with
// one agent's config replaced, so runs differ only by the config.
#pragma once

#include <string>

#include "core/util/error.h"
#include "sim/scenario.h"

namespace agentsim {

// kInvalidArgument naming the scenario when it has experiments, a rollout or timeline actions
// on agents (they route by agent id and would make the variants' workloads differ); outages and
// arrival-rate changes apply to every variant alike.
Status CheckComparable(const Scenario& scenario);

// Replaces the scenario agent that has the variant config's agent_id (or, when the scenario has
// exactly one agent, that agent whatever its id) by the config in `json_text`, checked as
// `agentsim validate` checks it; `display_path` names it in messages. Errors: kInvalidArgument
// for an invalid config, or no agent to replace (the scenario's agent ids are listed); or
// CheckComparable's.
Result<Scenario> WithAgentVariant(Scenario scenario, const std::string& display_path,
                                  const std::string& json_text);

}  // namespace agentsim
