#include "mocks/in_memory_document_store.h"

#include <algorithm>
#include <utility>

namespace agentsim {
namespace {

// Ascending precedence; non-SemVer versions first (by text); ties by text.
bool Before(const std::optional<SemVer>& a, const std::string& a_text,
            const std::optional<SemVer>& b, const std::string& b_text) {
  if (a.has_value() != b.has_value()) return !a.has_value();
  if (a.has_value()) {
    const int c = CompareSemVer(*a, *b);
    if (c != 0) return c < 0;
  }
  return a_text < b_text;
}

}  // namespace

InMemoryDocumentStore::InMemoryDocumentStore(EventLoop* loop, Rng rng,
                                             InMemoryDocumentStoreOptions options)
    : loop_(loop), rng_(rng), options_(std::move(options)) {}

InMemoryDocumentStore::Call InMemoryDocumentStore::Begin(bool write) {
  ++(write ? stats_.writes : stats_.reads);
  Call call;
  call.issued_at_us = loop_->NowMicros();
  call.refused = InOutage(options_.outages, call.issued_at_us);
  call.latency_us = SampleMockLatency(options_.latency_ms, rng_);
  if (call.refused) ++stats_.errors;
  return call;
}

Error InMemoryDocumentStore::Refused(const Call& call) {
  return Error{ErrorCode::kUnavailable, "mock document store: unavailable (outage at " +
                                            std::to_string(call.issued_at_us) + " us)"};
}

ConfigRecord* InMemoryDocumentStore::Find(const std::string& agent_id, const std::string& version) {
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return nullptr;
  for (Version& v : it->second) {
    if (v.record.version == version) return &v.record;
  }
  return nullptr;
}

Status InMemoryDocumentStore::Store(ConfigRecord record) {
  if (Find(record.agent_id, record.version) != nullptr) {
    return AlreadyExists("agent " + record.agent_id + " version " + record.version +
                         " exists; versions are immutable: create a new version");
  }
  Version v;
  if (Result<SemVer> parsed = SemVer::Parse(record.version)) v.semver = std::move(*parsed);
  std::vector<Version>& versions = agents_[record.agent_id];
  v.record = std::move(record);
  auto pos =
      std::upper_bound(versions.begin(), versions.end(), v, [](const Version& a, const Version& b) {
        return Before(a.semver, a.record.version, b.semver, b.record.version);
      });
  versions.insert(pos, std::move(v));
  return {};
}

void InMemoryDocumentStore::AppendChange(const std::string& agent_id, const std::string& version,
                                         std::string kind, Micros at_us) {
  ConfigChange change;
  change.sequence = changes_.size() + 1;
  change.at_us = at_us;
  change.agent_id = agent_id;
  change.version = version;
  change.kind = std::move(kind);
  changes_.push_back(std::move(change));
}

Status InMemoryDocumentStore::Seed(ConfigRecord record) { return Store(std::move(record)); }

Task<Result<ConfigRecord>> InMemoryDocumentStore::GetCurrent(std::string agent_id) {
  const Call call = Begin(false);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) co_return NotFound("no config for agent " + agent_id);
  for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) {
    if (!v->record.deprecated) co_return v->record;
  }
  co_return NotFound("every version of agent " + agent_id + " is deprecated");
}

Task<Result<ConfigRecord>> InMemoryDocumentStore::GetVersion(std::string agent_id,
                                                             std::string version) {
  const Call call = Begin(false);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  const ConfigRecord* record = Find(agent_id, version);
  if (record == nullptr) co_return NotFound("no version " + version + " of agent " + agent_id);
  co_return *record;
}

Task<Result<std::vector<ConfigRecord>>> InMemoryDocumentStore::ListVersions(std::string agent_id) {
  const Call call = Begin(false);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) co_return NotFound("no config for agent " + agent_id);
  std::vector<ConfigRecord> out;
  out.reserve(it->second.size());
  for (const Version& v : it->second) out.push_back(v.record);
  co_return out;
}

Task<Result<std::vector<std::string>>> InMemoryDocumentStore::ListAgents() {
  const Call call = Begin(false);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  std::vector<std::string> out;
  out.reserve(agents_.size());
  for (const auto& [agent_id, versions] : agents_) out.push_back(agent_id);
  co_return out;
}

Task<Status> InMemoryDocumentStore::Insert(ConfigRecord record) {
  const Call call = Begin(true);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  const std::string agent_id = record.agent_id;
  const std::string version = record.version;
  const Micros at_us = record.created_at_us;
  Status stored = Store(std::move(record));
  if (stored) AppendChange(agent_id, version, "created", at_us);
  co_return stored;
}

Task<Status> InMemoryDocumentStore::SetFlags(std::string agent_id, std::string version,
                                             bool enabled, bool deprecated, Micros at_us) {
  const Call call = Begin(true);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  ConfigRecord* record = Find(agent_id, version);
  if (record == nullptr) co_return NotFound("no version " + version + " of agent " + agent_id);
  const bool newly_deprecated = deprecated && !record->deprecated;
  record->enabled = enabled;
  record->deprecated = deprecated;
  AppendChange(agent_id, version, newly_deprecated ? "deprecated" : "updated", at_us);
  co_return Status{};
}

Task<Result<std::vector<ConfigChange>>> InMemoryDocumentStore::ChangesSince(std::uint64_t after) {
  const Call call = Begin(false);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  std::vector<ConfigChange> out;
  if (after < changes_.size()) {
    out.assign(changes_.begin() + static_cast<std::ptrdiff_t>(after), changes_.end());
  }
  co_return out;
}

Task<Status> InMemoryDocumentStore::AppendAudit(AuditEntry entry) {
  const Call call = Begin(true);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  const std::uint64_t last = audit_.size();
  if (entry.sequence != last + 1) {
    co_return FailedPrecondition("audit entry " + std::to_string(entry.sequence) +
                                 " does not follow entry " + std::to_string(last));
  }
  audit_.push_back(std::move(entry));
  co_return Status{};
}

Task<Result<std::vector<AuditEntry>>> InMemoryDocumentStore::ReadAudit() {
  const Call call = Begin(false);
  co_await loop_->Sleep(call.latency_us);
  if (call.refused) co_return std::unexpected(Refused(call));
  co_return audit_;
}

}  // namespace agentsim
