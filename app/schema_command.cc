// `agentsim schema CONFIG [--response-format]`: the JSON Schema (draft 2020-12) of the config's
// schema_config as an LLM structured-output request carries it (core/schema/json_schema_export.h),
// pretty-printed on stdout. Exit 0; 2 when the config cannot be read or is invalid.
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/agent_config_file.h"
#include "app/commands.h"
#include "core/json/json_document.h"
#include "core/schema/json_schema_export.h"

namespace agentsim::app {

int SchemaCommand(const SchemaArgs& args) {
  Result<AgentConfig> config = LoadAgentConfigFile(args.config);
  if (!config) {
    std::cerr << "agentsim: error: " << EscapeLinesForMessage(config.error().message) << "\n";
    return kExitBadInput;
  }
  const nlohmann::ordered_json out = args.response_format ? ExportResponseFormat(config->schema)
                                                          : ExportJsonSchema(config->schema);
  std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  return kExitOk;
}

}  // namespace agentsim::app
