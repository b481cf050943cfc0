// The schemas of the differential test and the check of one output
// (structured_output_diff_check.h).
#include "tests/core/agent/structured_output_diff_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent/fast_structured_output.h"
#include "core/agent/json_repair.h"
#include "core/agent/llm_output_parser.h"
#include "core/config/agent_config.h"
#include "core/json/json_document.h"
#include "tests/core/agent/structured_output_reference.h"

namespace agentsim::structured_output_test {

using nlohmann::json;

const std::vector<NamedSchema>& Schemas() {
  static const std::vector<NamedSchema> schemas = [] {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry :
         std::filesystem::directory_iterator(AGENTSIM_SOURCE_DIR "/scenarios/configs")) {
      if (entry.path().extension() == ".json") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<NamedSchema> out;
    for (const std::filesystem::path& path : paths) {
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      Result<AgentConfig> config = ParseAgentConfig(path.filename().string(), text.str());
      if (!config) {
        ADD_FAILURE() << path << ": " << config.error().message;
        continue;
      }
      out.push_back({path.stem().string(), config->schema, config->tts.text_field});
    }
    out.push_back({"all_kinds", AllKindsSchema(), "system_response"});
    return out;
  }();
  return schemas;
}

void Check(const std::string& raw, const NamedSchema& ns, int max_depth, std::string_view kind,
           Tally& tally) {
  ++tally.outputs;
  LlmOutputOptions options;
  options.mode = CoercionMode::kStrict;
  options.text_field = ns.text_field;
  options.max_depth = max_depth;
  auto fail = [&](const std::string& what) {
    if (++tally.failures <= kMaxReportedFailures) {
      ADD_FAILURE() << ns.name << " (" << kind << ", max_depth " << max_depth << "): " << what
                    << "\n  output (" << raw.size() << " bytes): " << EscapeForMessage(raw);
    }
  };

  options.keep_object = true;
  const ParsedLlmOutput kept = ParseLlmOutput(raw, ns.schema, options);
  options.keep_object = false;
  const ParsedLlmOutput dropped = ParseLlmOutput(raw, ns.schema, options);
  // With the previous output's payload (any, or none) as the payload's buffer: the same result.
  static std::string previous_payload;
  const ParsedLlmOutput reused =
      ParseLlmOutput(raw, ns.schema, options, std::move(previous_payload));
  if (std::string d = Difference(reused, dropped); !d.empty()) fail("with a payload buffer: " + d);
  previous_payload = reused.room_payload;

  // keep_object changes `object` only: the full object when kept, null when structured and not.
  if (std::string d = Difference(dropped, kept, /*skip_object=*/true); !d.empty()) {
    fail("keep_object=false vs true: " + d);
  }
  if (kept.structured()) {
    if (!dropped.object.is_null()) fail("keep_object=false kept " + dropped.object.dump());
    if (kept.object.is_null()) fail("keep_object=true left the object null");
  } else if (!SameJson(dropped.object, kept.object)) {
    fail("fallback object differs with keep_object: " + dropped.object.dump() + " vs " +
         kept.object.dump());
  }

  // Which answer the direct read gives (the result is compared through ParseLlmOutput).
  bool done = false;
  if (!raw.empty() && !IsBlank(raw)) {
    options.keep_object = true;
    ParsedLlmOutput out;
    json value;
    const FastRead read = FastReadStructured(raw, ns.schema, options, out, value);
    done = read == FastRead::kDone;
    if (read == FastRead::kParsed) {
      const std::optional<json> general = GeneralParse(raw, max_depth);
      if (!general) {
        fail("FastReadStructured parsed what the general path does not: " + value.dump());
      } else if (!SameJson(value, *general)) {
        fail("kParsed value " + value.dump() + " vs general " + general->dump());
      }
    }
  }
  if (done) ++tally.fast_done;

  for (const bool keep_object : {true, false}) {
    options.keep_object = keep_object;
    const ParsedLlmOutput& got = keep_object ? kept : dropped;
    const std::optional<ParsedLlmOutput> want = Reference(raw, ns.schema, options);
    if (!want) {
      if (done) fail("the direct read answered an output that is not one JSON value");
      if (got.structured()) fail("structured, but not one JSON value");
      if (got.reason == reason::kOk || got.reason == reason::kValidationFailed ||
          got.reason == reason::kNotAnObject) {
        fail("reason " + std::string(got.reason) + " for an output that is not one JSON value");
      }
      if (keep_object) ++tally.not_one_value;
      continue;
    }
    if (std::string d = Difference(got, *want); !d.empty()) {
      fail(std::string("keep_object=") + (keep_object ? "true" : "false") +
           (done ? " (direct read) " : " (general path) ") + d);
    }
    if (keep_object) {
      if (got.structured()) {
        ++tally.structured;
      } else if (got.reason == reason::kValidationFailed) {
        ++tally.validation_failed;
      } else {
        ++tally.other;
      }
    }
  }
}

}  // namespace agentsim::structured_output_test
