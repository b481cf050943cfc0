// Progress of `agentsim run` and `agentsim compare` on stderr (docs/cli.md#progress), fed by
// the runner's RunControl::on_progress (sim/runner.h) every virtual second:
//
//   agentsim: 12m30.0s virtual, 42 sessions active (310 started), 1,234 turns, 41% done
//
// - On a terminal (isatty(2)): one line, rewritten in place with '\r' at most 10 times per wall
//   second, erased by Finish().
// - Otherwise (a CI log): a plain line at most every 10 wall seconds; none for a run shorter
//   than that.
// The wall clock is read only here, in app/, through the `wall_seconds` function given (a
// monotonic clock in seconds; tests pass a fake). Header-only, so the end-to-end tests can test
// it without linking the app.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <ostream>
#include <string>
#include <utility>

namespace agentsim::app {

// Monotonic wall-clock seconds (steady_clock), for the progress line's pace only.
inline double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// "12.3s", "2m03.5s", "1h02m03s" (virtual time, µs in).
inline std::string FormatProgressTime(std::int64_t us) {
  if (us < 0) us = 0;
  char buf[48];
  const std::int64_t tenths = us / 100'000;  // truncated: the line never runs ahead
  const std::int64_t s = us / 1'000'000;
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lld.%llds", static_cast<long long>(tenths / 10),
                  static_cast<long long>(tenths % 10));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02lld.%llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60), static_cast<long long>(tenths % 10));
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm%02llds", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  }
  return buf;
}

// 1234567 -> "1,234,567".
inline std::string GroupThousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The progress line without prefix or line end; `done` < 0 (unknown) leaves the share out.
inline std::string FormatProgressLine(std::int64_t now_us, std::uint64_t sessions_active,
                                      std::uint64_t sessions_started, std::uint64_t turns,
                                      double done) {
  std::string line = FormatProgressTime(now_us) + " virtual, " + GroupThousands(sessions_active) +
                     " sessions active (" + GroupThousands(sessions_started) + " started), " +
                     GroupThousands(turns) + " turns";
  if (done >= 0) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%d", static_cast<int>(done * 100.0));
    line += std::string(", ") + pct + "% done";
  }
  return line;
}

class ProgressPrinter {
 public:
  static constexpr double kTerminalInterval = 0.1;  // wall seconds between rewrites
  static constexpr double kLogInterval = 10.0;      // wall seconds between plain lines

  // `out` (not owned) is stderr in the CLI; `terminal`: isatty(2). `wall_seconds` is read at
  // construction (the start of the run) and at each Update. `prefix` starts every line.
  ProgressPrinter(std::ostream* out, bool terminal, std::function<double()> wall_seconds,
                  std::string prefix = "agentsim: ")
      : out_(out), terminal_(terminal), wall_seconds_(std::move(wall_seconds)),
        prefix_(std::move(prefix)),
        started_(wall_seconds_()),
        next_due_(started_ + (terminal ? kTerminalInterval : kLogInterval)) {}

  // Prints the line when due. P has now_us, sessions_active, sessions_started, turns_recorded
  // and done (sim/runner.h RunProgress).
  template <typename P>
  void Update(const P& p) {
    const double now = wall_seconds_();
    if (now < next_due_) return;
    const std::string line = prefix_ +
                             FormatProgressLine(p.now_us, p.sessions_active, p.sessions_started,
                                                p.turns_recorded, p.done);
    if (terminal_) {
      *out_ << '\r' << line << "\x1b[K" << std::flush;  // rewrite, clearing what is left
      showing_ = true;
      next_due_ = now + kTerminalInterval;
    } else {
      *out_ << line << '\n' << std::flush;
      // The next multiple of the interval since the start: regular lines in a log.
      while (next_due_ <= now) next_due_ += kLogInterval;
    }
    ++lines_;
  }

  // The run is over: erases the terminal line (the summary follows on stdout).
  void Finish() {
    if (terminal_ && showing_) *out_ << "\r\x1b[K" << std::flush;
    showing_ = false;
  }

  int lines_printed() const { return lines_; }

 private:
  std::ostream* out_;
  bool terminal_;
  std::function<double()> wall_seconds_;
  std::string prefix_;
  double started_;
  double next_due_;
  bool showing_ = false;
  int lines_ = 0;
};

}  // namespace agentsim::app
