// ConnectionPool (seed: "Connection Pooling", maxPoolSize / serverSelectionTimeoutMS): at most
// `max_size` connections to a backend are in use at once; further callers wait in FIFO order.
//
// Acquire() returns a Lease at once when a connection is free. Otherwise the caller waits; a
// Lease that is released hands its connection to the first waiter, which resumes through the
// loop (Clock::ScheduleAt(now)), never inline. A waiter still waiting `acquire_timeout_us` after
// it started gets kDeadlineExceeded, e.g.
//   "connection pool: no connection within 5000 ms (50 in use, 3 waiting)"
// where "waiting" counts the waiters queued when it gave up, itself included. The timeout is a
// queued resumption (ScheduleAt) that is cancelled when the waiter is served first, so a waiter
// is resumed exactly once. A waiter at exactly the deadline: whichever event the loop runs first
// at that time wins (a release queued earlier serves it; otherwise it times out).
//
// Connections are opened lazily (seed: "Lazy Loading"): ids 0, 1, ... are handed out as demand
// first needs them; a released id is reused before a new one is opened.
//
// A waiter whose coroutine frame is destroyed (e.g. by the loop's destructor) leaves the queue,
// cancelling its timer, or returns the connection it was just handed. Not thread-safe.
// REQUIRES: the pool outlives its leases and waiters; the clock outlives the waiters. Durations
// in µs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <vector>

#include "core/async/task.h"
#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

class ConnectionPool {
 public:
  struct Stats {
    std::uint64_t acquisitions = 0;  // connections handed out, at once or after a wait
    std::uint64_t waits = 0;         // Acquire calls that had to wait (served or timed out)
    std::uint64_t timeouts = 0;      // waits that ended in kDeadlineExceeded
    Micros wait_time_us = 0;         // sum over waits (served and timed out) of time waited
    Micros max_wait_us = 0;          // longest single wait
  };

  // A connection in use; returns it to the pool when destroyed or Release()d. Move-only.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { Release(); }

    bool valid() const { return pool_ != nullptr; }
    // The connection's id in [0, max_size). REQUIRES: valid().
    std::size_t connection() const { return connection_; }
    // Returns the connection now (to the first waiter, if any). No-op when !valid().
    void Release();

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::size_t connection) : pool_(pool), connection_(connection) {}
    ConnectionPool* pool_ = nullptr;
    std::size_t connection_ = 0;
  };

  // `clock` not owned. max_size may be 0 (every Acquire times out).
  ConnectionPool(Clock* clock, std::size_t max_size, Micros acquire_timeout_us);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection, at once or after waiting (FIFO). Errors: kDeadlineExceeded after
  // acquire_timeout_us of waiting (message above).
  Task<Result<Lease>> Acquire();

  std::size_t max_size() const { return max_size_; }
  Micros acquire_timeout_us() const { return acquire_timeout_us_; }
  // Connections held by leases or handed to a waiter that has not resumed yet.
  std::size_t in_use() const { return opened_ - free_.size(); }
  // Callers queued for a connection.
  std::size_t waiting() const { return waiters_.size(); }
  // Connections opened so far (lazily; never more than max_size).
  std::size_t opened() const { return opened_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Waiter;
  // A free connection id, opening one if allowed; false when none.
  bool TakeFree(std::size_t* connection);
  // Gives `connection` to the first waiter (through the loop) or back to the free list.
  void Return(std::size_t connection);
  void RecordWait(Micros waited);

  Clock* clock_;
  std::size_t max_size_;
  Micros acquire_timeout_us_;
  std::size_t opened_ = 0;
  std::vector<std::size_t> free_;  // LIFO: the most recently returned id is reused first
  std::list<Waiter*> waiters_;     // FIFO
  Stats stats_;
};

}  // namespace agentsim
