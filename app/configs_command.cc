// `agentsim configs ...`: the persistent configuration store (SQLite) from the command line.
#include <cstddef>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "adapters/sqlite_document_store.h"
#include "app/commands.h"
#include "app/wall_clock.h"
#include "core/json/json_document.h"
#include "core/config/configuration_store.h"
#include "core/config/schema_evolution.h"
#include "core/security/audit_log.h"
#include "core/security/rbac.h"
#include "sim/file_source.h"

namespace agentsim::app {
namespace {

int Fail(const Error& e) {
  std::cerr << "agentsim: error: " << EscapeLinesForMessage(e.message) << "\n";
  return e.code == ErrorCode::kPermissionDenied ? kExitDenied : kExitBadInput;
}

// "user:role:tenant".
Result<Principal> ParsePrincipal(const std::string& text) {
  const auto first = text.find(':');
  const auto second = first == std::string::npos ? first : text.find(':', first + 1);
  if (second == std::string::npos || text.find(':', second + 1) != std::string::npos) {
    return InvalidArgument("--as: expected USER:ROLE:TENANT (e.g. ana:admin:acme-hr), got '" +
                           text + "'");
  }
  Result<Role> role = ParseRole(text.substr(first + 1, second - first - 1));
  if (!role) return InvalidArgument("--as: " + role.error().message);
  Principal p{text.substr(0, first), *role, text.substr(second + 1)};
  if (p.user_id.empty() || p.tenant_id.empty()) {
    return InvalidArgument("--as: user and tenant must not be empty in '" + text + "'");
  }
  return p;
}

std::string IsoTime(Micros us) {
  std::time_t t = static_cast<std::time_t>(us / kMicrosPerSecond);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Plural(std::size_t n, std::string_view unit) {
  return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

// The lines of `text` ("" gives one empty line).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  lines.push_back(text.substr(start));
  return lines;
}

// A stored version's document as it stands: the text as created, with `enabled` as it is now
// (UpdateAgentConfig changes the flag, never the stored text); a stored text that is not a JSON
// object (the file was edited by hand) as it is.
std::string CurrentDocument(const ConfigRecord& record, int indent) {
  nlohmann::json doc = nlohmann::json::parse(record.json_text, nullptr, false);
  if (!doc.is_object()) return record.json_text;
  doc["enabled"] = record.enabled;
  return doc.dump(indent);
}

// Everything a configs subcommand needs, opened from --store.
struct StoreSession {
  WallClock clock;
  std::unique_ptr<SqliteDocumentStore> documents;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<TenantQuotaManager> quotas;  // the seed's tiers; max_agents on put
  std::unique_ptr<ConfigurationStore> store;
};

// Counts the agents already stored against their tenants' max_agents (tier from each agent's
// current config), so that `put` of a new agent_id is refused at the tier's limit.
Status PrimeAgentQuotas(StoreSession& s) {
  Result<std::vector<std::string>> agents = s.clock.RunSync(s.documents->ListAgents());
  if (!agents) return std::unexpected(agents.error());
  for (const std::string& id : *agents) {
    Result<std::vector<ConfigRecord>> versions = s.documents->Versions(id);
    if (!versions || versions->empty()) continue;
    Result<AgentConfig> config = ParseAgentConfig("store:" + id, versions->back().json_text);
    const std::string& tenant = versions->back().tenant_id;
    (void)s.quotas->SetTier(tenant, config ? config->tenant.tier : std::string("free"));
    (void)s.quotas->Acquire(tenant, QuotaResource::kAgents);
  }
  return {};
}

Result<std::unique_ptr<StoreSession>> OpenStore(const std::string& path) {
  if (path.empty()) return InvalidArgument("--store FILE is required");
  auto s = std::make_unique<StoreSession>();
  auto documents = SqliteDocumentStore::Open(path);
  if (!documents) return std::unexpected(documents.error());
  s->documents = std::move(*documents);
  s->audit = std::make_unique<AuditLog>(s->documents.get(), &s->clock);
  ConfigurationStoreOptions options;
  options.l1_ttl_us = 0;  // a CLI process reads the store directly
  s->store = std::make_unique<ConfigurationStore>(s->documents.get(), nullptr, &s->clock, Rng(0),
                                                  options, nullptr, s->audit.get());
  s->quotas = std::make_unique<TenantQuotaManager>(DefaultTierQuotas(), &s->clock);
  if (Status primed = PrimeAgentQuotas(*s); !primed) return std::unexpected(primed.error());
  s->store->set_quotas(s->quotas.get());
  return s;
}

// A config from a file, or AGENT_ID@VERSION from the store.
Result<AgentConfig> LoadConfigRef(const std::string& ref, StoreSession* session) {
  const auto at = ref.rfind('@');
  if (at != std::string::npos && session != nullptr && !std::filesystem::exists(ref)) {
    Result<ConfigRecord> record = session->clock.RunSync(
        session->documents->GetVersion(ref.substr(0, at), ref.substr(at + 1)));
    if (!record) return std::unexpected(record.error());
    return ParseAgentConfig(session->documents->path() + ":" + ref, record->json_text);
  }
  Result<std::string> text = ReadFileToString(ref);
  if (!text) return std::unexpected(text.error());
  return ParseAgentConfig(ref, std::move(*text));
}

int Put(const ConfigsArgs& args, StoreSession& s, const Principal& who) {
  int rc = kExitOk;
  for (const std::string& file : args.files) {
    Result<std::string> text = ReadFileToString(file);
    if (!text) {
      rc = Fail(text.error());
      continue;
    }
    Result<ConfigRecord> created = s.clock.RunSync(s.store->CreateAgentConfig(who, *text));
    if (!created) {
      // Problems are located in "config:line:col: ..."; name the file instead.
      Error error = created.error();
      std::string located;
      for (const std::string& line : Lines(error.message)) {
        if (!located.empty()) located += '\n';
        located += line.starts_with("config:") ? file + line.substr(6) : line;
      }
      error.message = std::move(located);
      std::cerr << file << ":\n";
      rc = Fail(error);
      continue;
    }
    std::cout << "created " << created->agent_id << " " << created->version << " (tenant "
              << created->tenant_id << ")\n";
  }
  return rc;
}

int Get(const ConfigsArgs& args, StoreSession& s, const Principal& who) {
  Result<std::vector<ConfigRecord>> versions =
      s.clock.RunSync(s.store->ListVersions(who, args.agent_id));
  if (!versions) return Fail(versions.error());
  const ConfigRecord* pick = nullptr;
  for (const ConfigRecord& r : *versions) {
    if (args.version.empty() ? !r.deprecated : r.version == args.version) pick = &r;
  }
  if (pick == nullptr) {
    return Fail(Error{ErrorCode::kNotFound,
                      args.version.empty() ? "every version of " + args.agent_id + " is deprecated"
                                           : "no version " + args.version + " of " + args.agent_id});
  }
  std::cout << CurrentDocument(*pick, 2) << "\n";
  return kExitOk;
}

int Versions(const ConfigsArgs& args, StoreSession& s, const Principal& who) {
  Result<std::vector<ConfigRecord>> versions =
      s.clock.RunSync(s.store->ListVersions(who, args.agent_id));
  if (!versions) return Fail(versions.error());
  std::cout << fmt::format("{:<12} {:<8} {:<11} {:<21} {}\n", "version", "enabled", "deprecated",
                           "created_at", "created_by");
  for (const ConfigRecord& r : *versions) {
    std::cout << fmt::format("{:<12} {:<8} {:<11} {:<21} {}\n", r.version, r.enabled,
                             r.deprecated, IsoTime(r.created_at_us), r.created_by);
  }
  return kExitOk;
}

int List(StoreSession& s, const Principal& who) {
  Result<std::vector<std::string>> agents = s.clock.RunSync(s.documents->ListAgents());
  if (!agents) return Fail(agents.error());
  std::cout << fmt::format("{:<32} {:<16} {:<10} {}\n", "agent_id", "tenant", "current",
                           "versions");
  for (const std::string& id : *agents) {
    Result<std::vector<ConfigRecord>> versions = s.documents->Versions(id);
    if (!versions || versions->empty() || versions->front().tenant_id != who.tenant_id) continue;
    std::string current = "-";
    for (const ConfigRecord& r : *versions) {
      if (!r.deprecated) current = r.version;
    }
    std::cout << fmt::format("{:<32} {:<16} {:<10} {}\n", id, versions->front().tenant_id,
                             current, versions->size());
  }
  return kExitOk;
}

int Audit(const ConfigsArgs& args, StoreSession& s) {
  Result<std::vector<AuditEntry>> entries = s.documents->Audit();
  if (!entries) return Fail(entries.error());
  if (args.verify) {
    AuditLog::Verification v = AuditLog::Verify(*entries);
    if (v.ok) {
      std::cout << "audit log intact: " << v.entries << " entries, hash chain verified\n";
      return kExitOk;
    }
    std::cout << "audit log TAMPERED at entry " << v.first_bad_position << ": " << v.problem
              << "\n";
    return kExitCheckFailed;
  }
  // One line per entry (a multi-line detail continues on indented lines): sequence, time, who,
  // tenant, action, agent, version ("-" when none), outcome, the patch (its size, or with
  // --patches the RFC 6902 JSON Patch itself) and the detail.
  for (const AuditEntry& e : *entries) {
    std::string patch = e.patch_json;
    if (!args.patches) {
      const nlohmann::json ops = nlohmann::json::parse(e.patch_json, nullptr, false);
      patch = ops.is_array() ? Plural(ops.size(), "op") : "not a JSON Patch";
    }
    std::string detail;
    for (const std::string& line : Lines(e.detail)) {
      detail += detail.empty() ? ": " + line : "\n      " + line;
    }
    std::cout << fmt::format("{:>4} {} {}({}) {} {} {} {} {} (patch: {}){}\n", e.sequence,
                             IsoTime(e.at_us), e.user_id, e.role, e.tenant_id, e.action,
                             e.agent_id.empty() ? "-" : e.agent_id,
                             e.version.empty() ? "-" : e.version, e.outcome, patch,
                             e.detail.empty() ? "" : detail);
  }
  return kExitOk;
}

}  // namespace

int ConfigsCommand(const ConfigsArgs& args) {
  std::unique_ptr<StoreSession> session;
  if (!args.store.empty() || args.action != "diff") {
    auto opened = OpenStore(args.store);
    if (!opened) return Fail(opened.error());
    session = std::move(*opened);
  }
  if (args.action == "diff") {
    Result<AgentConfig> before = LoadConfigRef(args.files.at(0), session.get());
    if (!before) return Fail(before.error());
    Result<AgentConfig> after = LoadConfigRef(args.files.at(1), session.get());
    if (!after) return Fail(after.error());
    std::cout << FormatConfigDiff(DiffConfigs(*before, *after));
    return kExitOk;
  }
  if (args.action == "audit") return Audit(args, *session);
  Result<Principal> who = ParsePrincipal(args.as);
  if (!who) return Fail(who.error());
  if (args.action == "put") return Put(args, *session, *who);
  if (args.action == "get") return Get(args, *session, *who);
  if (args.action == "versions") return Versions(args, *session, *who);
  if (args.action == "list") return List(*session, *who);
  if (args.action == "deprecate") {
    Status s = session->clock.RunSync(
        session->store->DeprecateAgentConfig(*who, args.agent_id, args.version));
    if (!s) return Fail(s.error());
    std::cout << "deprecated " << args.agent_id << " " << args.version << "\n";
    return kExitOk;
  }
  if (args.action == "enable" || args.action == "disable") {
    Status s = session->clock.RunSync(session->store->UpdateAgentConfig(
        *who, args.agent_id, args.version, nlohmann::json{{"enabled", args.action == "enable"}}));
    if (!s) return Fail(s.error());
    std::cout << args.action << "d " << args.agent_id << " " << args.version << "\n";
    return kExitOk;
  }
  return Fail(Error{ErrorCode::kInvalidArgument, "unknown configs action " + args.action});
}

}  // namespace agentsim::app
