#include "mocks/mock_shared_cache.h"

#include <utility>

namespace agentsim {

MockSharedCache::MockSharedCache(EventLoop* loop, Rng rng, MockSharedCacheOptions options)
    : loop_(loop), rng_(rng), options_(std::move(options)) {}

Error MockSharedCache::OutageError(Micros issued_at_us) const {
  return Error{ErrorCode::kUnavailable, "mock shared cache: unavailable (outage at " +
                                            std::to_string(issued_at_us) + " us)"};
}

Task<Status> MockSharedCache::Arrive() {
  const Micros issued = loop_->NowMicros();
  const bool down = InOutage(options_.outages, issued);
  co_await loop_->Sleep(SampleMockLatency(options_.latency_ms, rng_));
  if (down) {
    ++stats_.errors;
    co_return std::unexpected(OutageError(issued));
  }
  co_return Status{};
}

Task<Result<std::optional<std::string>>> MockSharedCache::Get(std::string key) {
  ++stats_.gets;
  Status arrived = co_await Arrive();
  if (!arrived) co_return std::unexpected(arrived.error());
  auto it = entries_.find(key);
  if (it != entries_.end() && loop_->NowMicros() >= it->second.expires_at_us) {
    ++stats_.expirations;
    entries_.erase(it);
    it = entries_.end();
  }
  if (it == entries_.end()) {
    ++stats_.misses;
    co_return std::optional<std::string>();
  }
  ++stats_.hits;
  co_return std::optional<std::string>(it->second.value);
}

Task<Status> MockSharedCache::Set(std::string key, std::string value, Micros ttl_us) {
  ++stats_.sets;
  Status arrived = co_await Arrive();
  if (!arrived) co_return std::unexpected(arrived.error());
  Put(std::move(key), std::move(value), ttl_us);
  co_return Status{};
}

Task<Status> MockSharedCache::Delete(std::string key) {
  ++stats_.deletes;
  Status arrived = co_await Arrive();
  if (!arrived) co_return std::unexpected(arrived.error());
  entries_.erase(key);
  co_return Status{};
}

void MockSharedCache::Put(std::string key, std::string value, Micros ttl_us) {
  if (ttl_us <= 0) {
    entries_.erase(key);
    return;
  }
  entries_.insert_or_assign(std::move(key), Entry{std::move(value), loop_->NowMicros() + ttl_us});
}

void MockSharedCache::Seed(std::string key, std::string value, Micros ttl_us) {
  Put(std::move(key), std::move(value), ttl_us);
}

std::optional<std::string> MockSharedCache::Peek(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || loop_->NowMicros() >= it->second.expires_at_us) return std::nullopt;
  return it->second.value;
}

std::optional<Micros> MockSharedCache::ExpiresAt(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || loop_->NowMicros() >= it->second.expires_at_us) return std::nullopt;
  return it->second.expires_at_us;
}

}  // namespace agentsim
