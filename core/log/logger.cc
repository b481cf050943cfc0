#include "core/log/logger.h"

#include <cstdio>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace agentsim {

std::string FormatVirtualTime(Micros t_us) {
  return fmt::format("{}.{:06d}s", t_us / kMicrosPerSecond, t_us % kMicrosPerSecond);
}

std::shared_ptr<spdlog::logger> MakeStderrLogger(spdlog::level::level_enum level) {
  auto logger = std::make_shared<spdlog::logger>(
      "agentsim", std::make_shared<spdlog::sinks::stderr_sink_st>());
  logger->set_pattern("%l %v");
  logger->set_level(level);
  return logger;
}

std::shared_ptr<spdlog::logger> MakeNullLogger() {
  auto logger = std::make_shared<spdlog::logger>(
      "agentsim-null", std::make_shared<spdlog::sinks::null_sink_st>());
  logger->set_level(spdlog::level::off);
  return logger;
}

Logger Logger::Bind(std::string_view key, std::string_view value) const {
  // Not a copy of *this: the new context is allocated once, at exactly the size needed (every
  // session's agent keeps its logger for the whole session).
  Logger out(sink_, clock_);
  out.context_.reserve(context_.size() + key.size() + value.size() + 2);
  out.context_.append(context_);
  out.context_.append(key);
  out.context_.push_back('=');
  out.context_.append(value);
  out.context_.push_back(' ');
  return out;
}

}  // namespace agentsim
