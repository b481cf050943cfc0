#include "core/async/event_loop.h"

#include <exception>
#include <stdexcept>

namespace agentsim {

// The root coroutine wraps a spawned Task<void>: its body records an escaping exception, and its
// final awaiter unregisters the root and frees the frame.
struct EventLoop::Root {
  using promise_type = RootPromise;
  std::coroutine_handle<RootPromise> handle;
};

struct EventLoop::RootPromise : detail::PooledFrame {
  EventLoop* loop;
  std::uint64_t id;
  std::string name;  // Spawn's
  RootPromise* prev = nullptr;  // the loop's list of unfinished roots
  RootPromise* next = nullptr;

  RootPromise(EventLoop* l, std::uint64_t i, Task<void>&) noexcept : loop(l), id(i) {}

  Root get_return_object() noexcept {
    return Root{std::coroutine_handle<RootPromise>::from_promise(*this)};
  }
  std::suspend_always initial_suspend() const noexcept { return {}; }
  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<RootPromise> h) const noexcept {
      h.promise().loop->OnRootDone(h.promise());
      h.destroy();
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() const noexcept { return {}; }
  void return_void() const noexcept {}
  void unhandled_exception() const noexcept { std::terminate(); }  // the body catches all
};

EventLoop::Root EventLoop::RunRoot(EventLoop* loop, std::uint64_t id, Task<void> task) {
  std::exception_ptr failure;
  try {
    co_await std::move(task);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) loop->OnRootFailed(id, failure);
}

EventLoop::~EventLoop() {
  queue_.Clear();
  // Destroying a root frame destroys the task it awaits, and so its whole chain.
  while (first_root_ != nullptr) {
    RootPromise& root = *first_root_;
    OnRootDone(root);
    std::coroutine_handle<RootPromise>::from_promise(root).destroy();
  }
}

Task<void> EventLoop::SleepFor(Micros duration) { co_await Sleep(duration); }

bool EventLoop::Cancel(TimerId id) {
  if (id >= next_seq_) return false;
  return cancelled_.insert(id).second;
}

void EventLoop::Spawn(Task<void> task, std::string name) {
  std::uint64_t id = next_root_id_++;
  Root root = RunRoot(this, id, std::move(task));
  RootPromise& p = root.handle.promise();
  p.name = std::move(name);
  p.prev = last_root_;
  (last_root_ != nullptr ? last_root_->next : first_root_) = &p;
  last_root_ = &p;
  ++live_roots_;
  ScheduleAt(now_us_, root.handle);
}

void EventLoop::OnRootDone(RootPromise& root) {
  (root.prev != nullptr ? root.prev->next : first_root_) = root.next;
  (root.next != nullptr ? root.next->prev : last_root_) = root.prev;
  root.prev = root.next = nullptr;
  --live_roots_;
}

void EventLoop::OnRootFailed(std::uint64_t id, std::exception_ptr e) {
  RootFailure f;
  // A failing root is still in the list (it ends after this); failures are rare, so a scan.
  const RootPromise* root = first_root_;
  while (root != nullptr && root->id != id) root = root->next;
  f.name = root != nullptr ? root->name : "root#" + std::to_string(id);
  f.at_us = now_us_;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    f.what = ex.what();
  } catch (...) {
    f.what = "non-standard exception";
  }
  failures_.push_back(std::move(f));
}

void EventLoop::RunOne() {
  const TimerQueue::Entry ev = queue_.PopFront();
  if (!cancelled_.empty() && cancelled_.erase(ev.seq) > 0) return;  // cancelled: skip
  now_us_ = static_cast<Micros>(ev.at_us);
  ++events_run_;
  // The next event's coroutine frame is cold (frames are spread over the heap): fetch it while
  // this one runs. Only a hint: this resumption may queue an earlier event.
  if (void* next = queue_.NextHandleHint()) __builtin_prefetch(next);
  std::coroutine_handle<>::from_address(ev.handle).resume();
}

std::uint64_t EventLoop::Run() {
  std::uint64_t before = events_run_;
  while (!queue_.empty()) RunOne();
  return events_run_ - before;
}

std::uint64_t EventLoop::RunUntil(Micros t_us) {
  std::uint64_t before = events_run_;
  while (!queue_.empty() && static_cast<Micros>(queue_.FrontTime()) <= t_us) RunOne();
  if (t_us > now_us_) now_us_ = t_us;
  return events_run_ - before;
}

std::vector<std::string> EventLoop::UnfinishedRoots() const {
  std::vector<std::string> names;
  names.reserve(live_roots_);
  for (const RootPromise* r = first_root_; r != nullptr; r = r->next) names.push_back(r->name);
  return names;
}

}  // namespace agentsim
