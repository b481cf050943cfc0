#include "core/config/schema_evolution.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "core/config/semver.h"
#include "core/json/json_document.h"

namespace agentsim {
namespace {

using nlohmann::json;

std::string Plural(std::int64_t n, std::string_view unit) {
  return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

Result<SemVer> ParseVersion(const AgentConfig& config) {
  Result<SemVer> v = SemVer::Parse(config.version);
  if (!v) return InvalidArgument("version of " + config.agent_id + ": " + v.error().message);
  return v;
}

// Whether decimal digit strings without leading zeros (SemVer numbers) compare a > b.
bool NumberGreater(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() > b.size();
  return a > b;
}

// The decimal digit string `n` plus one.
std::string Increment(std::string n) {
  for (std::size_t i = n.size(); i-- > 0;) {
    if (n[i] != '9') {
      ++n[i];
      return n;
    }
    n[i] = '0';
  }
  return "1" + n;
}

// The seed's naming: "<agent-type>-<variant>-v<major>" with the major replaced (or appended).
std::string AgentIdForMajor(const std::string& agent_id, const std::string& major) {
  const std::size_t dash_v = agent_id.rfind("-v");
  std::string base = agent_id;
  if (dash_v != std::string::npos && dash_v + 2 < agent_id.size() &&
      agent_id.find_first_not_of("0123456789", dash_v + 2) == std::string::npos) {
    base = agent_id.substr(0, dash_v);
  }
  return base + "-v" + major;
}

constexpr std::array<std::string_view, 9> kConfigKeys = {
    "agent_id",   "version",    "tenant_config", "prompt_config", "schema_config",
    "llm_config", "tts_config", "feature_flags", "enabled"};

}  // namespace

Status CheckEvolution(const AgentConfig& before, const AgentConfig& after) {
  Result<SemVer> from = ParseVersion(before);
  if (!from) return std::unexpected(from.error());
  Result<SemVer> to = ParseVersion(after);
  if (!to) return std::unexpected(to.error());
  if (CompareSemVer(*to, *from) <= 0) {
    return FailedPrecondition("version " + before.version + " -> " + after.version +
                              " does not increase precedence; a new version must be greater "
                              "than " +
                              before.version);
  }
  if (NumberGreater(to->major, from->major)) return {};
  std::vector<SchemaChange> breaking;
  for (SchemaChange& change : DiffSchemas(before.schema, after.schema)) {
    if (change.breaking) breaking.push_back(std::move(change));
  }
  if (breaking.empty()) return {};
  std::string message = "version " + before.version + " -> " + after.version + " makes " +
                        Plural(static_cast<std::int64_t>(breaking.size()), "breaking change") +
                        " to the schema without a major version bump:";
  for (const SchemaChange& c : breaking) {
    message += "\n  " + c.field + ": " + c.kind + ": " + c.explanation;
  }
  const std::string major = Increment(from->major);
  message += "\nbump the major version: publish " + major + ".0.0 as a new agent, agent_id " +
             AgentIdForMajor(before.agent_id, major);
  return FailedPrecondition(std::move(message));
}

Status CheckOperationalUpdate(const nlohmann::json& changes) {
  if (!changes.is_object()) {
    return InvalidArgument("expected an object of config key -> new value, got " +
                           DescribeJson(changes));
  }
  std::string refused;
  std::string invalid;
  auto append = [](std::string& text, const std::string& line) {
    if (!text.empty()) text += '\n';
    text += line;
  };
  for (const auto& [key, value] : changes.items()) {
    bool known = false;
    for (std::string_view k : kConfigKeys) known = known || k == key;
    if (!known) {
      append(invalid, "unknown key " + json(key).dump() +
                          "; an agent config has agent_id, version, tenant_config, "
                          "prompt_config, schema_config, llm_config, tts_config, feature_flags "
                          "and enabled");
    } else if (key != "enabled") {
      append(refused, key +
                          " cannot change in an existing version; versions are immutable: "
                          "create a new version (e.g. 1.1.0)");
    } else if (!value.is_boolean()) {
      append(invalid, "enabled: expected a boolean, got " + DescribeJson(value));
    }
  }
  if (!refused.empty()) return FailedPrecondition(std::move(refused));
  if (!invalid.empty()) return InvalidArgument(std::move(invalid));
  return {};
}

}  // namespace agentsim
