#include "core/security/audit_log.h"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "core/util/sha256.h"

namespace agentsim {
namespace {

constexpr std::string_view kFormatTag = "agentsim.audit.v1";

// Appends `bytes` as a netstring: "<decimal length>:<bytes>,".
void AppendNetstring(std::string* out, std::string_view bytes) {
  out->append(std::to_string(bytes.size()));
  out->push_back(':');
  out->append(bytes);
  out->push_back(',');
}

AuditLog::Verification Bad(std::uint64_t entries, std::uint64_t position, std::string problem) {
  AuditLog::Verification v;
  v.ok = false;
  v.entries = entries;
  v.first_bad_position = position;
  v.problem = std::move(problem);
  return v;
}

std::string SequenceProblem(std::uint64_t n, std::uint64_t m, std::string_view why) {
  return "sequence " + std::to_string(n) + " after " + std::to_string(m) + ": " + std::string(why);
}

}  // namespace

std::string AuditLog::HashOf(const AuditEntry& entry) {
  std::string canonical;
  canonical.reserve(256 + entry.detail.size() + entry.patch_json.size());
  AppendNetstring(&canonical, kFormatTag);
  AppendNetstring(&canonical, std::to_string(entry.sequence));
  AppendNetstring(&canonical, std::to_string(entry.at_us));
  for (const std::string* field :
       {&entry.user_id, &entry.role, &entry.tenant_id, &entry.action, &entry.agent_id,
        &entry.version, &entry.outcome, &entry.detail, &entry.patch_json, &entry.prev_hash}) {
    AppendNetstring(&canonical, *field);
  }
  return Sha256Hex(canonical);
}

Task<Status> AuditLog::Append(AuditEntry entry) {
  if (!loaded_) {
    auto stored = co_await store_->ReadAudit();
    if (!stored) co_return std::unexpected(std::move(stored.error()));
    // Another Append may have loaded the tail (and appended) while this one was reading.
    if (!loaded_) {
      last_sequence_ = stored->empty() ? 0 : stored->back().sequence;
      last_hash_ = stored->empty() ? std::string(kAuditGenesisHash) : stored->back().hash;
      loaded_ = true;
    }
  }
  entry.sequence = last_sequence_ + 1;
  entry.at_us = clock_->NowMicros();
  entry.prev_hash = last_hash_;
  entry.hash = HashOf(entry);
  last_sequence_ = entry.sequence;
  last_hash_ = entry.hash;
  auto appended = co_await store_->AppendAudit(std::move(entry));
  if (!appended) {
    loaded_ = false;  // the store's tail is not what this log believes: read it again
    co_return std::unexpected(std::move(appended.error()));
  }
  co_return Status{};
}

AuditLog::Verification AuditLog::Verify(const std::vector<AuditEntry>& entries) {
  const std::uint64_t count = entries.size();
  // Sequences of the entries not yet visited, to tell a reordering from a removal.
  std::map<std::uint64_t, std::uint64_t> later;
  for (const AuditEntry& e : entries) ++later[e.sequence];
  std::set<std::uint64_t> seen;

  std::uint64_t prev_sequence = 0;
  std::string_view prev_hash = kAuditGenesisHash;
  for (std::uint64_t i = 0; i < count; ++i) {
    const AuditEntry& e = entries[i];
    const std::uint64_t position = i + 1;
    if (auto it = later.find(e.sequence); --it->second == 0) later.erase(it);

    if (HashOf(e) != e.hash) return Bad(count, position, "hash mismatch: edited");
    const std::uint64_t n = e.sequence;
    if (n == 0 || seen.contains(n)) {
      return Bad(count, position, SequenceProblem(n, prev_sequence, "inserted"));
    }
    if (n <= prev_sequence) {
      return Bad(count, position, SequenceProblem(n, prev_sequence, "reordered"));
    }
    if (n > prev_sequence + 1) {
      auto skipped = later.upper_bound(prev_sequence);
      bool reordered = skipped != later.end() && skipped->first < n;
      return Bad(count, position,
                 SequenceProblem(n, prev_sequence, reordered ? "reordered" : "removed"));
    }
    if (e.prev_hash != prev_hash) {
      return Bad(count, position, "prev_hash does not match: replaced or inserted");
    }
    seen.insert(n);
    prev_sequence = n;
    prev_hash = e.hash;
  }
  Verification v;
  v.entries = count;
  return v;
}

}  // namespace agentsim
