// ConfigWatcher (seed: "Hot Configuration Reload"): consumes the DocumentStore's change stream
// and makes one worker serve new versions without a restart.
//
// One watcher per worker process (each worker has its own L1). At first_poll_at_us and then every
// poll_interval_us (a fixed cadence; a tick missed during a slow poll is skipped) it reads
// DocumentStore::ChangesSince(last sequence seen) and, for each change, in sequence order:
//   1. invalidates the agent in this worker's ConfigurationStore (L1, and the shared L2 entry,
//      so no worker refills its L1 from a stale L2 document);
//   2. notifies this worker's active sessions of that agent on the `config-update` topic
//      (SessionManager::NotifyConfigUpdate; the seed's message, plus the new version);
//   3. reports the change as applied (ConfigUpdateApplied, with the instant) to the listener.
// A failed poll (store unavailable) is counted and retried at the next interval; no change is
// lost because the sequence only advances past applied changes.
//
// What a session does with the notice is the session's reload policy (AgentServices): keep its
// version until it reconnects (the seed's behaviour) or switch at its next turn.
//
// Virtual time only (Clock); Run() ends after Stop(), at the next wake-up. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/agent/session_manager.h"
#include "core/async/task.h"
#include "core/async/wakeable_sleep.h"
#include "core/config/configuration_store.h"
#include "core/log/logger.h"
#include "core/ports/clock.h"
#include "core/ports/document_store.h"

namespace agentsim {

struct ConfigWatcherOptions {
  Micros poll_interval_us = 1 * kMicrosPerSecond;  // REQUIRES: > 0
  Micros first_poll_at_us = 0;  // the first poll's instant (spreads workers' polls apart)
};

// One change as this worker applied it.
struct ConfigUpdateApplied {
  ConfigChange change;       // as read from the stream (at_us: when it was published)
  Micros applied_at_us = 0;  // when the invalidation finished on this worker
  std::uint64_t sessions_notified = 0;
};

class ConfigWatcher {
 public:
  struct Stats {
    std::uint64_t polls = 0;
    std::uint64_t poll_errors = 0;
    std::uint64_t changes_applied = 0;
    std::uint64_t sessions_notified = 0;
  };
  using Listener = std::function<void(const ConfigUpdateApplied&)>;

  // Not owned; REQUIRES: all outlive the watcher. `sessions` may be null (nobody to notify).
  ConfigWatcher(DocumentStore* store, ConfigurationStore* cache, SessionManager* sessions,
                Clock* clock, Logger log, ConfigWatcherOptions options);

  // Called after each applied change (may be empty).
  void set_listener(Listener listener) { listener_ = std::move(listener); }
  // Starts after changes with sequence <= `sequence` (those already reflected at start-up).
  void set_start_sequence(std::uint64_t sequence) { last_sequence_ = sequence; }

  // Polls until Stop(). Spawn it as a root task.
  Task<void> Run();
  // Reads and applies the changes since the last one applied. Errors: the store's (the
  // changes are read again at the next poll).
  Task<Status> PollOnce();
  // Run() returns now when sleeping, or after the poll in progress.
  void Stop() {
    stopped_ = true;
    sleep_.Wake();
  }

  std::uint64_t last_sequence() const { return last_sequence_; }
  const Stats& stats() const { return stats_; }

 private:
  DocumentStore* store_;
  ConfigurationStore* cache_;
  SessionManager* sessions_;
  Clock* clock_;
  Logger log_;
  ConfigWatcherOptions options_;
  Listener listener_;
  std::uint64_t last_sequence_ = 0;
  bool stopped_ = false;
  WakeableSleep sleep_;
  Stats stats_;
};

}  // namespace agentsim
