// ConfigurationStore: the write path (see configuration_store.h). Every write is authorised
// (RBAC + tenant), checked, stored as an immutable version or a flag change, and audited with
// its outcome: ok, denied (authorisation) or refused (validation, immutability, evolution).
#include <regex>

#include "core/config/config_validator.h"
#include "core/config/configuration_store.h"
#include "core/config/schema_evolution.h"
#include "core/config/semver.h"
#include "core/security/rbac.h"
#include "core/util/strings.h"

namespace agentsim {
namespace {

constexpr std::string_view kCreate = "create_agent_config";
constexpr std::string_view kUpdate = "update_agent_config";
constexpr std::string_view kDeprecate = "deprecate_agent_config";
constexpr std::string_view kView = "list_versions";

// "interview-strict-v2" -> "interview-strict": versions of one lineage may change agent_id only
// in the major suffix.
std::string Lineage(const std::string& agent_id) {
  static const std::regex kSuffix("-v(0|[1-9][0-9]*)$");
  return std::regex_replace(agent_id, kSuffix, "");
}

// The string at /tenant_config/tenant_id, or "".
std::string TenantOf(const nlohmann::json& doc) {
  auto tc = doc.find("tenant_config");
  if (tc == doc.end() || !tc->is_object()) return "";
  auto id = tc->find("tenant_id");
  return id != tc->end() && id->is_string() ? id->get<std::string>() : "";
}

std::string StringAt(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Task<Status> ConfigurationStore::Audit(const Principal& who, std::string_view action,
                                       std::string agent_id, std::string version,
                                       std::string outcome, std::string detail,
                                       const nlohmann::json& before, const nlohmann::json& after) {
  if (audit_ == nullptr) co_return Status{};
  AuditEntry entry;
  entry.user_id = who.user_id;
  entry.role = std::string(RoleName(who.role));
  entry.tenant_id = who.tenant_id;
  entry.action = std::string(action);
  entry.agent_id = std::move(agent_id);
  entry.version = std::move(version);
  entry.outcome = std::move(outcome);
  entry.detail = std::move(detail);
  entry.patch_json = nlohmann::json::diff(before, after).dump();
  Status appended = co_await audit_->Append(std::move(entry));
  co_return appended;
}

Task<Result<ConfigRecord>> ConfigurationStore::CreateAgentConfig(Principal who,
                                                                 std::string json_text) {
  // A repeated key is refused with the document's other problems (checked with its last value).
  std::vector<std::string> repeats;
  Result<JsonDocument> doc = JsonDocument::ParseListingDuplicates(
      "config", std::move(json_text), /*allow_comments=*/true, &repeats);
  const nlohmann::json* root = doc && doc->root().is_object() ? &doc->root() : nullptr;
  const std::string agent_id = root != nullptr ? StringAt(*root, "agent_id") : "";
  const std::string version = root != nullptr ? StringAt(*root, "version") : "";
  const std::string tenant = root != nullptr ? TenantOf(*root) : "";
  const nlohmann::json empty = nlohmann::json::object();

  // A document without a tenant (or that does not parse) is never stored: validation refuses
  // it. The principal's role is still checked first, in its own tenant.
  if (Status allowed = Authorize(who, Permission::kCreateAgent,
                                 tenant.empty() ? who.tenant_id : tenant);
      !allowed) {
    (void)co_await Audit(who, kCreate, agent_id, version, "denied",
                         allowed.error().message, empty, empty);
    co_return std::unexpected(allowed.error());
  }
  if (!doc) {
    (void)co_await Audit(who, kCreate, agent_id, version, "refused", doc.error().message, empty,
                         empty);
    co_return std::unexpected(doc.error());
  }
  // Tenant isolation: an agent id belongs to the tenant of its existing versions; another
  // tenant cannot add a version to it, whatever tenant its document names.
  Result<std::vector<ConfigRecord>> owned = co_await l3_->ListVersions(agent_id);
  if (owned && !owned->empty()) {
    if (Status allowed = Authorize(who, Permission::kCreateAgent, owned->front().tenant_id);
        !allowed) {
      (void)co_await Audit(who, kCreate, agent_id, version, "denied",
                           allowed.error().message, empty, empty);
      co_return std::unexpected(allowed.error());
    }
  } else if (!owned && owned.error().code != ErrorCode::kNotFound) {
    co_return std::unexpected(owned.error());
  }
  std::vector<std::string> problems = std::move(repeats);
  for (std::string& line : ValidateAgentConfig(*doc)) problems.push_back(std::move(line));
  if (!problems.empty()) {
    std::string message = JoinLines(problems);
    (void)co_await Audit(who, kCreate, agent_id, version, "refused", message, empty, empty);
    co_return InvalidArgument(std::move(message));
  }
  Result<AgentConfig> config = ParseAgentConfig(*doc, schemas_);
  if (!config) {
    (void)co_await Audit(who, kCreate, agent_id, version, "refused", config.error().message,
                         empty, empty);
    co_return std::unexpected(config.error());
  }

  // Immutability: an existing (agent_id, version) is never replaced.
  Result<ConfigRecord> existing = co_await l3_->GetVersion(agent_id, version);
  if (existing) {
    std::string message = "agent " + agent_id + " version " + version +
                          " exists; versions are immutable: create a new version";
    (void)co_await Audit(who, kCreate, agent_id, version, "refused", message, empty,
                         empty);
    co_return MakeError(ErrorCode::kAlreadyExists, message);
  }
  if (existing.error().code != ErrorCode::kNotFound) co_return std::unexpected(existing.error());

  // A new agent_id counts against the tenant's max_agents (seed: "Resource Quotas").
  const bool new_agent = !owned || owned->empty();
  if (new_agent && quotas_ != nullptr) {
    (void)quotas_->SetTier(tenant, config->tenant.tier);
    if (Status quota = quotas_->Acquire(tenant, QuotaResource::kAgents); !quota) {
      (void)co_await Audit(who, kCreate, agent_id, version, "refused", quota.error().message,
                           empty, empty);
      co_return std::unexpected(quota.error());
    }
  }

  // Evolution: compare with the highest earlier version of the lineage (same agent type and
  // variant, any major).
  Result<SemVer> new_version = SemVer::Parse(version);
  Result<std::vector<std::string>> agents = co_await l3_->ListAgents();
  if (!agents) co_return std::unexpected(agents.error());
  std::optional<ConfigRecord> previous;
  std::optional<SemVer> previous_version;
  for (const std::string& other : *agents) {
    if (Lineage(other) != Lineage(agent_id)) continue;
    Result<std::vector<ConfigRecord>> versions = co_await l3_->ListVersions(other);
    if (!versions) co_return std::unexpected(versions.error());
    for (ConfigRecord& r : *versions) {
      Result<SemVer> v = SemVer::Parse(r.version);
      if (!v || CompareSemVer(*v, *new_version) >= 0) continue;
      if (!previous_version || CompareSemVer(*v, *previous_version) > 0) {
        previous_version = *v;
        previous = std::move(r);
      }
    }
  }
  nlohmann::json before = empty;
  if (previous) {
    Result<AgentConfig> old = ParseAgentConfig("store:" + previous->agent_id + "@" +
                                                   previous->version,
                                               previous->json_text);
    if (old) {
      before = old->raw;
      if (Status evolution = CheckEvolution(*old, *config); !evolution) {
        (void)co_await Audit(who, kCreate, agent_id, version, "refused",
                             evolution.error().message, before, config->raw);
        co_return std::unexpected(evolution.error());
      }
    }
  }

  ConfigRecord record;
  record.agent_id = agent_id;
  record.version = version;
  record.tenant_id = tenant;
  record.json_text = config->raw.dump();
  record.enabled = config->enabled;
  record.created_at_us = clock_->NowMicros();
  record.created_by = who.user_id;
  if (Status stored = co_await l3_->Insert(record); !stored) {
    if (stored.error().code == ErrorCode::kAlreadyExists) {  // stored meanwhile by another writer
      (void)co_await Audit(who, kCreate, agent_id, version, "refused", stored.error().message,
                           empty, empty);
    }
    co_return std::unexpected(stored.error());
  }
  co_await Invalidate(agent_id);
  // The version is stored; a failed audit write is still reported to the caller (it must not
  // pass unnoticed: every change is audited).
  Status audited = co_await Audit(who, kCreate, agent_id, version, "ok", "", before, config->raw);
  if (!audited) {
    co_return MakeError(audited.error().code, "stored " + agent_id + " " + version +
                                                  " but could not audit it: " +
                                                  audited.error().message);
  }
  co_return record;
}

Task<Status> ConfigurationStore::UpdateAgentConfig(Principal who, std::string agent_id,
                                                   std::string version,
                                                   nlohmann::json changes) {
  Result<ConfigRecord> record = co_await l3_->GetVersion(agent_id, version);
  if (!record) co_return std::unexpected(record.error());
  const nlohmann::json before = {{"enabled", record->enabled}};
  if (Status allowed = Authorize(who, Permission::kUpdateAgent, record->tenant_id); !allowed) {
    (void)co_await Audit(who, kUpdate, agent_id, version, "denied",
                         allowed.error().message, before, before);
    co_return std::unexpected(allowed.error());
  }
  if (Status ok = CheckOperationalUpdate(changes); !ok) {
    (void)co_await Audit(who, kUpdate, agent_id, version, "refused",
                         ok.error().message, before, before);
    co_return std::unexpected(ok.error());
  }
  const bool enabled = changes.value("enabled", record->enabled);
  Status stored = co_await l3_->SetFlags(agent_id, version, enabled, record->deprecated,
                                         clock_->NowMicros());
  if (!stored) co_return stored;
  co_await Invalidate(agent_id);
  const nlohmann::json after = {{"enabled", enabled}};  // not inside the co_await (GCC 12)
  Status audited = co_await Audit(who, kUpdate, agent_id, version, "ok", "", before, after);
  co_return audited;
}

Task<Status> ConfigurationStore::DeprecateAgentConfig(Principal who, std::string agent_id,
                                                      std::string version) {
  Result<ConfigRecord> record = co_await l3_->GetVersion(agent_id, version);
  if (!record) co_return std::unexpected(record.error());
  const nlohmann::json before = {{"deprecated", record->deprecated}};
  if (Status allowed = Authorize(who, Permission::kUpdateAgent, record->tenant_id); !allowed) {
    (void)co_await Audit(who, kDeprecate, agent_id, version, "denied",
                         allowed.error().message, before, before);
    co_return std::unexpected(allowed.error());
  }
  Status stored =
      co_await l3_->SetFlags(agent_id, version, record->enabled, true, clock_->NowMicros());
  if (!stored) co_return stored;
  co_await Invalidate(agent_id);
  const nlohmann::json after = {{"deprecated", true}};  // not inside the co_await (GCC 12)
  Status audited = co_await Audit(who, kDeprecate, agent_id, version, "ok", "", before, after);
  co_return audited;
}

Task<Result<std::vector<ConfigRecord>>> ConfigurationStore::ListVersions(Principal who,
                                                                         std::string agent_id) {
  Result<std::vector<ConfigRecord>> versions = co_await l3_->ListVersions(agent_id);
  if (!versions) co_return versions;
  const std::string& tenant = versions->front().tenant_id;
  if (Status allowed = Authorize(who, Permission::kViewAgent, tenant); !allowed) {
    const nlohmann::json empty = nlohmann::json::object();
    (void)co_await Audit(who, kView, agent_id, "", "denied",
                         allowed.error().message, empty, empty);
    co_return std::unexpected(allowed.error());
  }
  co_return versions;
}

}  // namespace agentsim
