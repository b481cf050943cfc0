#include "mocks/chaos_stores.h"

#include <utility>

namespace agentsim {
namespace {

// The refusal of a call to `backend`, if any (logged); a scripted outage is only logged.
std::optional<Error> Decide(FaultControl& c, std::string_view backend,
                            std::optional<ChaosSite> outage_site,
                            const std::vector<OutageWindow>& scripted) {
  const std::string label = backend == "store" ? "document store" : "shared cache";
  if (c.InOutage(backend, "")) {
    c.Log(backend, "", FaultKind::kOutage, "timeline");
    return Error{ErrorCode::kUnavailable, label + ": unavailable (outage started by the timeline)"};
  }
  if (outage_site && c.Fire(*outage_site)) {
    c.Log(backend, "", FaultKind::kOutage, ChaosSiteName(*outage_site));
    return Error{ErrorCode::kUnavailable,
                 label + ": unavailable (chaos " + std::string(ChaosSiteName(*outage_site)) + ")"};
  }
  if (InOutage(scripted, c.now_us())) c.Log(backend, "", FaultKind::kOutage, "");
  return std::nullopt;
}

}  // namespace

Task<std::optional<Error>> ChaosDocumentStore::Before() {
  FaultControl& c = *control_;
  std::optional<Error> error = Decide(c, "store", ChaosSite::kStoreOutage, scripted_);
  if (error) {
    co_await loop_->Sleep(c.chaos_options().error_after_us);
    co_return error;
  }
  if (c.Fire(ChaosSite::kStoreSlow)) {
    c.Log("store", "", FaultKind::kSlow, ChaosSiteName(ChaosSite::kStoreSlow));
    co_await loop_->Sleep(c.chaos_options().slow_us);
  }
  co_return std::nullopt;
}

Task<Result<ConfigRecord>> ChaosDocumentStore::GetCurrent(std::string agent_id) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Result<ConfigRecord> r = co_await inner_->GetCurrent(std::move(agent_id));
  co_return r;
}

Task<Result<ConfigRecord>> ChaosDocumentStore::GetVersion(std::string agent_id,
                                                          std::string version) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Result<ConfigRecord> r = co_await inner_->GetVersion(std::move(agent_id), std::move(version));
  co_return r;
}

Task<Result<std::vector<ConfigRecord>>> ChaosDocumentStore::ListVersions(std::string agent_id) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Result<std::vector<ConfigRecord>> r = co_await inner_->ListVersions(std::move(agent_id));
  co_return r;
}

Task<Result<std::vector<std::string>>> ChaosDocumentStore::ListAgents() {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Result<std::vector<std::string>> r = co_await inner_->ListAgents();
  co_return r;
}

Task<Status> ChaosDocumentStore::Insert(ConfigRecord record) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Status r = co_await inner_->Insert(std::move(record));
  co_return r;
}

Task<Status> ChaosDocumentStore::SetFlags(std::string agent_id, std::string version,
                                          bool enabled, bool deprecated, Micros at_us) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Status r = co_await inner_->SetFlags(std::move(agent_id), std::move(version), enabled,
                                       deprecated, at_us);
  co_return r;
}

Task<Result<std::vector<ConfigChange>>> ChaosDocumentStore::ChangesSince(std::uint64_t after) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Result<std::vector<ConfigChange>> r = co_await inner_->ChangesSince(after);
  co_return r;
}

Task<Status> ChaosDocumentStore::AppendAudit(AuditEntry entry) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Status r = co_await inner_->AppendAudit(std::move(entry));
  co_return r;
}

Task<Result<std::vector<AuditEntry>>> ChaosDocumentStore::ReadAudit() {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Result<std::vector<AuditEntry>> r = co_await inner_->ReadAudit();
  co_return r;
}

Task<std::optional<Error>> ChaosSharedCache::Before() {
  FaultControl& c = *control_;
  std::optional<Error> error = Decide(c, "shared_cache", ChaosSite::kSharedCacheOutage, scripted_);
  if (error) co_await loop_->Sleep(c.chaos_options().error_after_us);
  co_return error;
}

Task<Result<std::optional<std::string>>> ChaosSharedCache::Get(std::string key) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Result<std::optional<std::string>> r = co_await inner_->Get(std::move(key));
  co_return r;
}

Task<Status> ChaosSharedCache::Set(std::string key, std::string value, Micros ttl_us) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Status r = co_await inner_->Set(std::move(key), std::move(value), ttl_us);
  co_return r;
}

Task<Status> ChaosSharedCache::Delete(std::string key) {
  std::optional<Error> e = co_await Before();
  if (e) co_return std::unexpected(std::move(*e));
  Status r = co_await inner_->Delete(std::move(key));
  co_return r;
}

}  // namespace agentsim
