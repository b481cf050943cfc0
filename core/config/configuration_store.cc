// ConfigurationStore: the read path (see configuration_store.h).
//
// What counts where:
//   L1  every GetAgentConfig call is one L1 hit or miss, decided when the call starts. A hit is
//       a live entry (NowMicros() < expires_at_us), positive or negative (negative_hits is the
//       negative part of hits). An expired entry is removed and counted as expiration + miss.
//       A miss that finds a load in flight for the same id waits for it (coalesced_waits).
//   L2  one Get per load (loads, load_time_us). Hit: a value that parses. Miss: absent, an
//       error (also errors) or a value that does not parse (also errors; the L3 load then
//       overwrites it). Failed Set/Delete calls count as errors too.
//   L3  one pooled GetCurrent per load that L2 did not answer (loads; load_time_us includes the
//       pool wait). Hit: a record (even one that does not parse). Miss: kNotFound (cached
//       negatively) or an error (also errors: kUnavailable, kDeadlineExceeded from the pool).
// Windows count L1 at the call's start, L2/L3 when their request completes.
//
// L2 holds "config:<agent_id>" -> the current version's document text. The record's
// operational `enabled` flag overrides the document's own: when they differ, L1 gets the
// overridden config and L2 the re-serialised document with "enabled" replaced, so both paths
// agree.
#include "core/config/configuration_store.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/async/async_event.h"

namespace agentsim {
namespace {

std::string L2Key(const std::string& agent_id) { return "config:" + agent_id; }

}  // namespace

struct ConfigurationStore::Flight {
  explicit Flight(Clock* clock) : result(clock) {}
  SharedResult<Result<std::shared_ptr<const AgentConfig>>> result;
};

struct ConfigurationStore::Loaded {
  Result<std::shared_ptr<const AgentConfig>> result;
  bool cache_in_l1 = false;            // a config, or kNotFound (negative entry)
  std::optional<std::string> l2_text;  // after an L3 load: the document to write to L2
};

ConfigurationStore::ConfigurationStore(DocumentStore* l3, SharedCache* l2, Clock* clock, Rng rng,
                                       ConfigurationStoreOptions options, SchemaRegistry* schemas,
                                       AuditLog* audit)
    : l3_(l3),
      l2_(l2),
      clock_(clock),
      rng_(rng),
      options_(options),
      schemas_(schemas),
      audit_(audit),
      pool_(clock, options.pool_size, options.pool_acquire_timeout_us) {
  if (!(options_.ttl_jitter > 0)) options_.ttl_jitter = 0;  // also NaN
  if (options_.ttl_jitter > 0.99) options_.ttl_jitter = 0.99;
}

std::optional<Result<std::shared_ptr<const AgentConfig>>> ConfigurationStore::FindLiveInL1(
    std::string_view agent_id) {
  auto it = l1_.find(agent_id);
  if (it == l1_.end()) return std::nullopt;
  L1Entry& entry = *it->second;
  if (!(clock_->NowMicros() < entry.expires_at_us)) return std::nullopt;
  CacheLevelStats& l1 = Level(CacheLevel::kL1);
  ++l1.hits;
  CountWindow(CacheLevel::kL1, true);
  lru_.splice(lru_.begin(), lru_, entry.lru_pos);
  if (entry.negative) {
    ++l1.negative_hits;
    return Result<std::shared_ptr<const AgentConfig>>(std::unexpected(*entry.negative));
  }
  return Result<std::shared_ptr<const AgentConfig>>(entry.config);
}

Task<Result<std::shared_ptr<const AgentConfig>>> ConfigurationStore::GetAgentConfig(
    std::string agent_id) {
  if (auto hit = FindLiveInL1(agent_id)) co_return std::move(*hit);
  CacheLevelStats& l1 = Level(CacheLevel::kL1);
  if (auto it = l1_.find(agent_id); it != l1_.end()) {  // expired
    ++l1.expirations;
    EraseL1(it);
  }
  ++l1.misses;
  CountWindow(CacheLevel::kL1, false);

  if (auto it = flights_.find(agent_id); it != flights_.end()) {
    ++l1.coalesced_waits;
    std::shared_ptr<Flight> flight = it->second;  // keeps the result alive across the wait
    auto shared = co_await flight->result.Wait();
    co_return shared;
  }

  auto flight = std::make_shared<Flight>(clock_);
  flights_.emplace(agent_id, flight);
  const std::uint64_t generation = Generation(agent_id);
  Loaded loaded = co_await Load(agent_id);
  // Unchanged generation: no DropFromL1 since the load began, so the flight is still ours.
  const bool current = Generation(agent_id) == generation;
  if (current) {
    flights_.erase(agent_id);
    if (loaded.cache_in_l1) {
      if (loaded.result) {
        PutL1(agent_id, *loaded.result, std::nullopt);
      } else {
        PutL1(agent_id, nullptr, loaded.result.error());
      }
    }
  }
  flight->result.Set(loaded.result);  // waiters resume through the loop, after this step

  // Seed: populate L2 after an L3 load. The caller that loaded also pays for this write.
  if (l2_ != nullptr && loaded.l2_text && current) {
    Status set = co_await l2_->Set(L2Key(agent_id), std::move(*loaded.l2_text),
                                   Jittered(options_.l2_ttl_us));
    if (!set) ++Level(CacheLevel::kL2).errors;
    if (set && Generation(agent_id) != generation) {
      // Invalidated while the write was on its way: it may have landed after the delete.
      Status deleted = co_await l2_->Delete(L2Key(agent_id));
      if (!deleted) ++Level(CacheLevel::kL2).errors;
    }
  }
  co_return loaded.result;
}

Task<ConfigurationStore::Loaded> ConfigurationStore::Load(std::string agent_id) {
  Loaded out;
  if (l2_ != nullptr) {
    CacheLevelStats& l2 = Level(CacheLevel::kL2);
    ++l2.loads;
    const Micros started = clock_->NowMicros();
    Result<std::optional<std::string>> got = co_await l2_->Get(L2Key(agent_id));
    l2.load_time_us += clock_->NowMicros() - started;
    bool hit = false;
    if (!got) {
      ++l2.errors;
    } else if (got->has_value()) {
      if (std::shared_ptr<const AgentConfig> config =
              ParseL2Document(agent_id, std::move(**got))) {
        hit = true;
        out.result = std::move(config);
        out.cache_in_l1 = true;
      } else {
        ++l2.errors;
      }
    }
    ++(hit ? l2.hits : l2.misses);
    CountWindow(CacheLevel::kL2, hit);
    if (hit) co_return out;
  }

  CacheLevelStats& l3 = Level(CacheLevel::kL3);
  ++l3.loads;
  const Micros started = clock_->NowMicros();
  Result<ConfigRecord> record = co_await FetchFromL3(agent_id);
  l3.load_time_us += clock_->NowMicros() - started;
  ++(record ? l3.hits : l3.misses);
  CountWindow(CacheLevel::kL3, record.has_value());
  if (!record) {
    if (record.error().code == ErrorCode::kNotFound) {
      out.cache_in_l1 = true;  // negative
    } else {
      ++l3.errors;
    }
    out.result = std::unexpected(record.error());
    co_return out;
  }
  Result<AgentConfig> parsed =
      ParseAgentConfig("store:" + agent_id + "@" + record->version, record->json_text, schemas_);
  if (!parsed) {
    out.result = std::unexpected(parsed.error());  // not cached: the next read retries
    co_return out;
  }
  std::string l2_text = std::move(record->json_text);
  if (parsed->enabled != record->enabled) {
    parsed->enabled = record->enabled;
    parsed->raw["enabled"] = record->enabled;
    l2_text = parsed->raw.dump();
  }
  out.result = std::make_shared<const AgentConfig>(std::move(*parsed));
  out.cache_in_l1 = true;
  out.l2_text = std::move(l2_text);
  co_return out;
}

std::shared_ptr<const AgentConfig> ConfigurationStore::ParseL2Document(const std::string& agent_id,
                                                                     std::string text) {
  auto it = parsed_l2_.find(text);
  if (it != parsed_l2_.end()) {
    if (std::shared_ptr<const AgentConfig> alive = it->second.lock()) {
      ++parses_reused_;
      return alive;
    }
  }
  Result<AgentConfig> parsed = ParseAgentConfig("l2:" + L2Key(agent_id), text, schemas_);
  if (!parsed) return nullptr;
  auto config = std::make_shared<const AgentConfig>(std::move(*parsed));
  if (it != parsed_l2_.end()) {
    it->second = config;
    return config;
  }
  if (parsed_l2_.size() >= parsed_l2_prune_at_) {
    std::erase_if(parsed_l2_, [](const auto& entry) { return entry.second.expired(); });
    parsed_l2_prune_at_ = std::max<std::size_t>(16, 2 * parsed_l2_.size());
  }
  parsed_l2_.emplace(std::move(text), config);
  return config;
}

Task<Result<ConfigRecord>> ConfigurationStore::FetchFromL3(std::string agent_id) {
  Result<ConnectionPool::Lease> lease = co_await pool_.Acquire();
  if (!lease) co_return std::unexpected(lease.error());
  Result<ConfigRecord> record = co_await l3_->GetCurrent(std::move(agent_id));
  co_return record;  // the lease returns the connection as the frame ends
}

Task<Result<std::shared_ptr<const AgentConfig>>> ConfigurationStore::GetAgentConfigForTenant(
    std::string agent_id, std::string tenant_id) {
  auto config = co_await GetAgentConfig(agent_id);
  if (!config) co_return config;
  if ((*config)->tenant.tenant_id != tenant_id) {
    ++isolation_denials_;
    co_return PermissionDenied("tenant " + tenant_id + " cannot access agent " + agent_id);
  }
  co_return config;
}

Task<void> ConfigurationStore::Invalidate(std::string agent_id) {
  DropFromL1(agent_id);
  if (l2_ == nullptr) co_return;
  Status deleted = co_await l2_->Delete(L2Key(agent_id));
  if (!deleted) ++Level(CacheLevel::kL2).errors;
  // A miss during the delete may have refilled L1 from the old L2 entry: drop it again.
  DropFromL1(agent_id);
}

void ConfigurationStore::DropFromL1(const std::string& agent_id) {
  if (auto it = l1_.find(agent_id); it != l1_.end()) EraseL1(it);
  ++generations_[agent_id];
  flights_.erase(agent_id);
}

std::uint64_t ConfigurationStore::Generation(const std::string& agent_id) const {
  auto it = generations_.find(agent_id);
  return it == generations_.end() ? 0 : it->second;
}

void ConfigurationStore::PutL1(const std::string& agent_id,
                               std::shared_ptr<const AgentConfig> config,
                               std::optional<Error> negative) {
  const Micros ttl = Jittered(negative ? options_.negative_ttl_us : options_.l1_ttl_us);
  auto it = l1_.find(agent_id);
  if (it == l1_.end()) {
    lru_.push_front(agent_id);
    auto entry = std::make_unique<L1Entry>();
    entry->lru_pos = lru_.begin();
    it = l1_.emplace(agent_id, std::move(entry)).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second->lru_pos);
  }
  L1Entry& entry = *it->second;
  entry.config = negative ? nullptr : std::move(config);
  entry.negative = std::move(negative);
  entry.expires_at_us = clock_->NowMicros() + ttl;
  while (l1_.size() > options_.l1_capacity) {
    ++Level(CacheLevel::kL1).evictions;
    EraseL1(l1_.find(lru_.back()));
  }
}

void ConfigurationStore::EraseL1(
    std::map<std::string, std::unique_ptr<L1Entry>, std::less<>>::iterator it) {
  lru_.erase(it->second->lru_pos);
  l1_.erase(it);
}

Micros ConfigurationStore::Jittered(Micros ttl) {
  const double j = options_.ttl_jitter;
  if (j == 0 || ttl <= 0) return ttl;
  const double factor = rng_.Uniform(1.0 - j, 1.0 + j);
  return static_cast<Micros>(std::llround(static_cast<double>(ttl) * factor));
}

void ConfigurationStore::CountWindow(CacheLevel level, bool hit) {
  const Micros now = clock_->NowMicros();
  const Micros width = options_.stats_window_us;
  const Micros start = width > 0 ? now - now % width : 0;
  WindowCursor& cursor = window_cursors_[static_cast<int>(level) - 1];
  if (cursor.stats == nullptr || cursor.start_us != start) {
    CacheWindowStats& w = windows_[{start, static_cast<int>(level)}];
    w.window_start_us = start;
    w.level = level;
    cursor = WindowCursor{start, &w};
  }
  ++(hit ? cursor.stats->hits : cursor.stats->misses);
}

const CacheLevelStats& ConfigurationStore::stats(CacheLevel level) const {
  return stats_[static_cast<int>(level) - 1];
}

std::vector<CacheWindowStats> ConfigurationStore::WindowStats() const {
  std::vector<CacheWindowStats> out;
  out.reserve(windows_.size());
  for (const auto& [key, w] : windows_) out.push_back(w);
  return out;
}

}  // namespace agentsim
