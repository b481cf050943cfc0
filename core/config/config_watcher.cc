#include "core/config/config_watcher.h"

#include <utility>

namespace agentsim {

ConfigWatcher::ConfigWatcher(DocumentStore* store, ConfigurationStore* cache,
                             SessionManager* sessions, Clock* clock, Logger log,
                             ConfigWatcherOptions options)
    : store_(store),
      cache_(cache),
      sessions_(sessions),
      clock_(clock),
      log_(std::move(log)),
      options_(options),
      sleep_(clock) {}

Task<void> ConfigWatcher::Run() {
  // A ticker: polls at first_poll_at_us + k * poll_interval_us; a tick missed while a poll was
  // still running is skipped, not queued.
  Micros next_poll_at = options_.first_poll_at_us;
  while (!stopped_) {
    if (next_poll_at > clock_->NowMicros()) {
      co_await sleep_.Until(next_poll_at);
      if (stopped_) break;
    }
    Status polled = co_await PollOnce();
    if (!polled) log_.Warn("config_watch_poll_failed error={}", polled.error().ToString());
    while (next_poll_at <= clock_->NowMicros()) next_poll_at += options_.poll_interval_us;
  }
}

Task<Status> ConfigWatcher::PollOnce() {
  ++stats_.polls;
  Result<std::vector<ConfigChange>> changes = co_await store_->ChangesSince(last_sequence_);
  if (!changes) {
    ++stats_.poll_errors;
    co_return std::unexpected(changes.error());
  }
  for (ConfigChange& change : *changes) {
    if (change.sequence <= last_sequence_) continue;
    co_await cache_->Invalidate(change.agent_id);
    ConfigUpdateApplied applied;
    applied.applied_at_us = clock_->NowMicros();
    if (sessions_ != nullptr) {
      applied.sessions_notified = sessions_->NotifyConfigUpdate(change.agent_id, change.version);
    }
    last_sequence_ = change.sequence;
    ++stats_.changes_applied;
    stats_.sessions_notified += applied.sessions_notified;
    log_.Info("config_change_applied agent={} version={} kind={} sessions_notified={}",
              change.agent_id, change.version, change.kind, applied.sessions_notified);
    applied.change = std::move(change);
    if (listener_) listener_(applied);
  }
  co_return Status{};
}

}  // namespace agentsim
