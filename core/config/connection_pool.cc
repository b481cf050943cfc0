#include "core/config/connection_pool.h"

#include <coroutine>
#include <string>
#include <utility>

namespace agentsim {
namespace {

// "5000 ms", or "2.5 ms" when the duration is not a whole number of milliseconds.
std::string FormatMillis(Micros us) {
  std::string out = std::to_string(us / kMicrosPerMilli);
  Micros frac = us % kMicrosPerMilli;
  if (frac < 0) frac = -frac;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 3 - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + " ms";
}

}  // namespace

// One queued Acquire. Lives in the waiting coroutine's frame (not movable). It is resumed by
// exactly one of two queued resumptions: the timeout timer, or the grant scheduled by Return(),
// which cancels the timer first.
struct ConnectionPool::Waiter {
  enum class State { kQueued, kGranted, kDone };

  Waiter(ConnectionPool* p, Micros now) : pool(p), enqueued_at_us(now) {}
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  ~Waiter() {
    // Only when the frame is destroyed mid-wait (e.g. the loop is torn down).
    if (state == State::kQueued) {
      pool->clock_->Cancel(timeout_timer);
      pool->waiters_.erase(pos);
    } else if (state == State::kGranted) {
      pool->clock_->Cancel(grant_timer);
      pool->Return(connection);
    }
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    handle = h;
    pos = pool->waiters_.insert(pool->waiters_.end(), this);
    timeout_timer = pool->clock_->ScheduleAt(enqueued_at_us + pool->acquire_timeout_us_, h);
    state = State::kQueued;
  }
  // True when served; false when the timeout fired (then `waiting_at_timeout` is set).
  bool await_resume() {
    const bool served = state == State::kGranted;
    if (!served) {
      waiting_at_timeout = pool->waiters_.size();
      pool->waiters_.erase(pos);
    }
    state = State::kDone;
    return served;
  }

  ConnectionPool* pool;
  Micros enqueued_at_us;
  std::coroutine_handle<> handle;
  std::list<Waiter*>::iterator pos;
  TimerId timeout_timer = 0;
  TimerId grant_timer = 0;
  std::size_t connection = 0;
  std::size_t waiting_at_timeout = 0;
  State state = State::kQueued;
};

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(other.connection_) {}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = other.connection_;
  }
  return *this;
}

void ConnectionPool::Lease::Release() {
  if (pool_ != nullptr) std::exchange(pool_, nullptr)->Return(connection_);
}

ConnectionPool::ConnectionPool(Clock* clock, std::size_t max_size, Micros acquire_timeout_us)
    : clock_(clock), max_size_(max_size), acquire_timeout_us_(acquire_timeout_us) {}

bool ConnectionPool::TakeFree(std::size_t* connection) {
  if (!free_.empty()) {
    *connection = free_.back();
    free_.pop_back();
    return true;
  }
  if (opened_ < max_size_) {
    *connection = opened_++;
    return true;
  }
  return false;
}

void ConnectionPool::Return(std::size_t connection) {
  if (waiters_.empty()) {
    free_.push_back(connection);
    return;
  }
  Waiter* w = waiters_.front();
  waiters_.pop_front();
  clock_->Cancel(w->timeout_timer);
  w->connection = connection;
  w->state = Waiter::State::kGranted;
  w->grant_timer = clock_->ScheduleAt(clock_->NowMicros(), w->handle);
}

void ConnectionPool::RecordWait(Micros waited) {
  ++stats_.waits;
  stats_.wait_time_us += waited;
  if (waited > stats_.max_wait_us) stats_.max_wait_us = waited;
}

Task<Result<ConnectionPool::Lease>> ConnectionPool::Acquire() {
  std::size_t connection = 0;
  // Free connections exist only while nobody waits (Return hands them to waiters first).
  if (waiters_.empty() && TakeFree(&connection)) {
    ++stats_.acquisitions;
    co_return Lease(this, connection);
  }
  Waiter waiter(this, clock_->NowMicros());
  const bool served = co_await waiter;
  RecordWait(clock_->NowMicros() - waiter.enqueued_at_us);
  if (!served) {
    ++stats_.timeouts;
    co_return MakeError(ErrorCode::kDeadlineExceeded,
                        "connection pool: no connection within " +
                            FormatMillis(acquire_timeout_us_) + " (" + std::to_string(in_use()) +
                            " in use, " + std::to_string(waiter.waiting_at_timeout) + " waiting)");
  }
  ++stats_.acquisitions;
  co_return Lease(this, waiter.connection);
}

}  // namespace agentsim
