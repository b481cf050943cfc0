// Reading one agent config file for the commands that take --config / CONFIG (schema, parse).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/config/agent_config.h"
#include "core/json/json_document.h"
#include "core/util/strings.h"
#include "sim/file_source.h"

namespace agentsim::app {

// The config in the file at `path`, parsed as ParseAgentConfig does (comments allowed).
// Errors: those of ReadFileToString (naming the path) and ParseAgentConfig (file:line:col:
// /pointer: message, one line each); a repeated key is one line of them, before
// ParseAgentConfig's lines for the rest of the file (read with the key's last value).
inline Result<AgentConfig> LoadAgentConfigFile(const std::string& path) {
  Result<std::string> text = ReadFileToString(path);
  if (!text) return std::unexpected(text.error());
  std::vector<std::string> problems;
  Result<JsonDocument> doc = JsonDocument::ParseListingDuplicates(path, std::move(*text),
                                                                  /*allow_comments=*/true,
                                                                  &problems);
  if (!doc) return std::unexpected(doc.error());
  Result<AgentConfig> config = ParseAgentConfig(*doc);
  if (problems.empty()) return config;
  if (!config) problems.push_back(config.error().message);
  return InvalidArgument(JoinLines(problems));
}

}  // namespace agentsim::app
