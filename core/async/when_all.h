// WhenAll: runs several tasks concurrently and completes when all of them have. Results come
// back in the order of the input. If any task throws, the others still run to completion and
// the first exception (in completion order) is rethrown to the awaiter.
//
// The children start inline, in input order, when WhenAll is awaited; the last child to finish
// resumes the awaiter by symmetric transfer.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <vector>

#include "core/async/task.h"

namespace agentsim {
namespace detail {

struct WhenAllState {
  std::size_t remaining = 0;
  std::coroutine_handle<> parent;
  std::exception_ptr first_error;
};

struct WhenAllChild {
  struct promise_type : detail::PooledFrame {
    WhenAllState* state;
    template <typename... Args>
    explicit promise_type(WhenAllState* s, Args&...) noexcept : state(s) {}
    WhenAllChild get_return_object() noexcept {
      return WhenAllChild{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        WhenAllState* st = h.promise().state;
        return --st->remaining == 0 ? st->parent : std::noop_coroutine();
      }
      void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }  // bodies catch all
  };
  std::coroutine_handle<promise_type> handle;
};

template <typename T>
WhenAllChild RunWhenAllChild(WhenAllState* state, Task<T> task, std::optional<T>* slot) {
  std::exception_ptr error;
  try {
    slot->emplace(co_await std::move(task));
  } catch (...) {
    error = std::current_exception();
  }
  if (error && !state->first_error) state->first_error = error;
}

inline WhenAllChild RunWhenAllVoidChild(WhenAllState* state, Task<void> task) {
  std::exception_ptr error;
  try {
    co_await std::move(task);
  } catch (...) {
    error = std::current_exception();
  }
  if (error && !state->first_error) state->first_error = error;
}

// Owns the children's frames; awaiting it starts them all and resumes when the last finishes.
class WhenAllGroup {
 public:
  explicit WhenAllGroup(WhenAllState* state) : state_(state) {}
  WhenAllGroup(const WhenAllGroup&) = delete;
  WhenAllGroup& operator=(const WhenAllGroup&) = delete;
  ~WhenAllGroup() {
    for (auto h : children_) h.destroy();
  }
  void Add(WhenAllChild child) { children_.push_back(child.handle); }

  bool await_ready() const noexcept { return children_.empty(); }
  bool await_suspend(std::coroutine_handle<> parent) {
    state_->parent = parent;
    state_->remaining = children_.size() + 1;
    for (auto h : children_) h.resume();
    return --state_->remaining != 0;
  }
  void await_resume() const {
    if (state_->first_error) std::rethrow_exception(state_->first_error);
  }

 private:
  WhenAllState* state_;
  std::vector<std::coroutine_handle<WhenAllChild::promise_type>> children_;
};

}  // namespace detail

template <typename T>
Task<std::vector<T>> WhenAll(std::vector<Task<T>> tasks) {
  detail::WhenAllState state;
  std::vector<std::optional<T>> slots(tasks.size());
  detail::WhenAllGroup group(&state);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    group.Add(detail::RunWhenAllChild<T>(&state, std::move(tasks[i]), &slots[i]));
  }
  co_await group;
  std::vector<T> results;
  results.reserve(slots.size());
  for (auto& s : slots) results.push_back(std::move(*s));
  co_return results;
}

inline Task<void> WhenAll(std::vector<Task<void>> tasks) {
  detail::WhenAllState state;
  detail::WhenAllGroup group(&state);
  for (auto& t : tasks) group.Add(detail::RunWhenAllVoidChild(&state, std::move(t)));
  co_await group;
}

}  // namespace agentsim
