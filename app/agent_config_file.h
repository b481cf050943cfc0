// Reading one agent config file for the commands that take --config / CONFIG (schema, parse).
#pragma once

#include <string>
#include <utility>

#include "core/config/agent_config.h"
#include "sim/file_source.h"

namespace agentsim::app {

// The config in the file at `path`, parsed as ParseAgentConfig does (comments allowed).
// Errors: those of ReadFileToString (naming the path) and ParseAgentConfig (file:line:col:
// /pointer: message, one line each).
inline Result<AgentConfig> LoadAgentConfigFile(const std::string& path) {
  Result<std::string> text = ReadFileToString(path);
  if (!text) return std::unexpected(text.error());
  return ParseAgentConfig(path, std::move(*text));
}

}  // namespace agentsim::app
