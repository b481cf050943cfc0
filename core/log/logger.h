// Structured logging on virtual time (seed: "Structured Logging"). Every line carries the
// virtual time and the bound context, e.g.
//   info [t=12.504113s] session=17 agent=interview-strict-v1 tenant=acme llm_response tokens=61
// The sink is an spdlog logger passed in (never a global); its pattern has no wall-clock time,
// so logs are as deterministic as the run. Quiet by default (warn); the CLI's -v lowers it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/ports/clock.h"

namespace agentsim {

// "12.504113s": µs as seconds with 6 decimals.
std::string FormatVirtualTime(Micros t_us);

// An spdlog logger writing "<level> <message>" to stderr at `level`.
std::shared_ptr<spdlog::logger> MakeStderrLogger(spdlog::level::level_enum level);
// A logger that drops everything (tests, benchmarks).
std::shared_ptr<spdlog::logger> MakeNullLogger();

class Logger {
 public:
  Logger(std::shared_ptr<spdlog::logger> sink, const Clock* clock)
      : sink_(std::move(sink)), clock_(clock) {}

  // A logger with `key=value` appended to the context.
  Logger Bind(std::string_view key, std::string_view value) const;

  bool enabled(spdlog::level::level_enum level) const { return sink_->should_log(level); }

  template <typename... Args>
  void Log(spdlog::level::level_enum level, fmt::format_string<Args...> format,
           Args&&... args) const {
    if (!sink_->should_log(level)) return;
    sink_->log(level, "[t={}] {}{}", FormatVirtualTime(clock_->NowMicros()), context_,
               fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void Debug(fmt::format_string<Args...> format, Args&&... args) const {
    Log(spdlog::level::debug, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Info(fmt::format_string<Args...> format, Args&&... args) const {
    Log(spdlog::level::info, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Warn(fmt::format_string<Args...> format, Args&&... args) const {
    Log(spdlog::level::warn, format, std::forward<Args>(args)...);
  }

 private:
  std::shared_ptr<spdlog::logger> sink_;
  const Clock* clock_;
  std::string context_;  // "k=v k=v " (trailing space) or empty
};

}  // namespace agentsim
