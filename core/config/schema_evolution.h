// Version immutability and schema evolution (seed: "Configuration Immutability", "Schema
// Evolution"): whether a new version may follow an earlier one of the same agent (breaking schema
// changes need a new major version, and so a new agent_id ...-v<major>), and what an existing,
// stored version may still change. The classification of changes (SchemaChange, DiffSchemas) and
// the human diff (DiffConfigs, FormatConfigDiff) are in core/config/config_diff.h, included here.
// Rationale: docs/configuration.md, "Immutability and schema evolution".
#pragma once

#include <nlohmann/json.hpp>

#include "core/config/agent_config.h"
#include "core/config/config_diff.h"
#include "core/util/error.h"

namespace agentsim {

// OK when `after` may follow `before` as a new version of the agent: its version has higher
// precedence (SemVer), and if any schema change is breaking its major version is higher too.
// Versions 0.y.z get no exemption: the agent_id carries the major version. agent_id is not
// compared (a major bump comes with a new agent_id).
// Errors: kInvalidArgument when a version is not SemVer ("version of <agent_id>: ...");
// kFailedPrecondition when the version does not increase ("version 1.0.0 -> 1.0.0 does not
// increase precedence; a new version must be greater than 1.0.0"), or for breaking changes
// without a major bump: a first line, one line per breaking change ("  <field>: <kind>:
// <explanation>"), then "bump the major version: publish 2.0.0 as a new agent, agent_id
// interview-strict-v2".
Status CheckEvolution(const AgentConfig& before, const AgentConfig& after);

// The fields an existing (stored) version may still change: only "enabled" (bool), an
// operational switch that decides whether sessions start, not what they do. `changes` is a JSON
// object of top-level key -> new value; an empty object is OK.
// Errors: kFailedPrecondition, one line per config key other than "enabled" (in key order):
// "<key> cannot change in an existing version; versions are immutable: create a new version
// (e.g. 1.1.0)"; otherwise kInvalidArgument when `changes` is not an object, for a key that is
// no agent config key, or for "enabled" given a non-boolean.
Status CheckOperationalUpdate(const nlohmann::json& changes);

}  // namespace agentsim
