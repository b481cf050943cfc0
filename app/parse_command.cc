// `agentsim parse --config CONFIG [--lenient] < RAW`: reads one raw LLM output from stdin (at
// most kMaxLlmOutputBytes + 1 bytes are read: more is too_large) and prints, as one JSON object,
// what the agent's turn would make of it (core/agent/llm_output_parser.h):
//   {"mode": "strict"|"lenient", "outcome": "structured"|"fallback", "reason": "<code>",
//    "detail": "<why, or empty>", "fields": <the parsed and coerced object, or null>,
//    "coercions": {"<kind>": count, ...}, "defaults": ["<field>", ...],
//    "tts": {"text": ..., "voice_instructions": ...} or null (fallback: TTS gets the plain-text
//           reply of a second request instead), "room_payload": <object> or null,
//    "violations": [{"field": ..., "reason": ..., "message": ...}, ...]}
// Exit 0 structured; 1 fallback; 2 bad input (the config cannot be read or is invalid).
#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/agent_config_file.h"
#include "app/commands.h"
#include "core/json/json_document.h"
#include "core/agent/llm_output_parser.h"

namespace agentsim::app {
namespace {

using nlohmann::ordered_json;

// stdin, up to `limit` bytes. Errors: kUnavailable when stdin cannot be read (closed, a folder):
// an unreadable input is not an empty output.
Result<std::string> ReadStdin(std::size_t limit) {
  std::string text;
  char buf[65536];
  while (text.size() < limit) {
    const std::size_t want = std::min(sizeof buf, limit - text.size());
    const std::size_t n = std::fread(buf, 1, want, stdin);
    if (n == 0) break;
    text.append(buf, n);
  }
  if (std::ferror(stdin)) {
    return Unavailable(std::string("cannot read the raw output from stdin: ") +
                       std::strerror(errno));
  }
  return text;
}

ordered_json ToJson(const ParsedLlmOutput& p, CoercionMode mode) {
  ordered_json out = ordered_json::object();
  out["mode"] = CoercionModeName(mode);
  out["outcome"] = TurnOutcomeName(p.outcome);
  out["reason"] = p.reason;
  out["detail"] = p.detail;
  out["fields"] = ordered_json(p.object);
  ordered_json coercions = ordered_json::object();
  for (const auto& [kind, count] : p.coercions.NonZero()) coercions[std::string(kind)] = count;
  out["coercions"] = std::move(coercions);
  out["defaults"] = p.defaults_applied;
  if (p.structured()) {
    out["tts"] = {{"text", p.spoken.text}, {"voice_instructions", p.spoken.voice_instructions}};
  } else {
    out["tts"] = nullptr;
  }
  out["room_payload"] =
      p.structured() ? ordered_json::parse(p.room_payload) : ordered_json(nullptr);
  ordered_json violations = ordered_json::array();
  for (const Violation& v : p.violations) {
    violations.push_back({{"field", v.field}, {"reason", v.reason}, {"message", v.message}});
  }
  out["violations"] = std::move(violations);
  return out;
}

}  // namespace

int ParseCommand(const ParseArgs& args) {
  Result<AgentConfig> config = LoadAgentConfigFile(args.config);
  if (!config) {
    std::cerr << "agentsim: error: " << EscapeLinesForMessage(config.error().message) << "\n";
    return kExitBadInput;
  }
  LlmOutputOptions options;
  options.mode = args.lenient ? CoercionMode::kLenient : config->schema.coercion();
  options.text_field = config->tts.text_field;
  errno = 0;
  const Result<std::string> raw = ReadStdin(options.max_bytes + 1);
  if (!raw) {
    std::cerr << "agentsim: error: " << EscapeLinesForMessage(raw.error().message) << "\n";
    return kExitBadInput;
  }
  const ParsedLlmOutput parsed = ParseLlmOutput(*raw, config->schema, options);
  std::cout << ToJson(parsed, options.mode)
                   .dump(2, ' ', false, ordered_json::error_handler_t::replace)
            << "\n";
  return parsed.structured() ? kExitOk : kExitCheckFailed;
}

}  // namespace agentsim::app
