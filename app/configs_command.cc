// `agentsim configs ...`: the persistent configuration store (SQLite) from the command line.
#include <ctime>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "adapters/sqlite_document_store.h"
#include "app/commands.h"
#include "app/wall_clock.h"
#include "core/config/configuration_store.h"
#include "core/config/schema_evolution.h"
#include "core/security/audit_log.h"
#include "core/security/rbac.h"
#include "sim/file_source.h"

namespace agentsim::app {
namespace {

int Fail(const Error& e) {
  std::cerr << "agentsim: error: " << e.message << "\n";
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

// Everything a configs subcommand needs, opened from --store.
struct StoreSession {
  WallClock clock;
  std::unique_ptr<SqliteDocumentStore> documents;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<ConfigurationStore> store;
};

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
      std::cerr << file << ":\n";
      rc = Fail(created.error());
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
  std::cout << nlohmann::json::parse(pick->json_text).dump(2) << "\n";
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
  for (const AuditEntry& e : *entries) {
    std::cout << fmt::format("{:>4} {} {}({}) {} {} {} {} {}{}{}\n", e.sequence,
                             IsoTime(e.at_us), e.user_id, e.role, e.tenant_id, e.action,
                             e.agent_id, e.version, e.outcome,
                             e.detail.empty() ? "" : ": " + e.detail,
                             e.patch_json == "[]" ? "" : " patch " + e.patch_json);
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
