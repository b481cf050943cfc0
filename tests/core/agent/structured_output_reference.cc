// The all-kinds schema, the general path from public functions, and the exact comparison of
// results (structured_output_reference.h).
#include "tests/core/agent/structured_output_reference.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/agent/json_fast_parse.h"
#include "core/agent/json_repair.h"
#include "core/agent/structured_output.h"
#include "core/json/json_document.h"

namespace agentsim::structured_output_test {

using nlohmann::json;

const DynamicSchema& AllKindsSchema() {
  static const DynamicSchema schema = [] {
    Result<DynamicSchema> s = DynamicSchema::Compile(json::parse(kAllKindsSchema));
    if (!s) {
      ADD_FAILURE() << s.error().message;
      return DynamicSchema();
    }
    return *s;
  }();
  return schema;
}

// ---- The general path, from public functions ----------------------------------------------

std::optional<json> GeneralParse(std::string_view raw, int max_depth) {
  if (std::optional<json> fast = FastParseJson(raw, max_depth)) return fast;
  if (JsonNestingDepth(raw, max_depth) > max_depth) return std::nullopt;
  json value = json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

std::optional<ParsedLlmOutput> Reference(std::string_view raw, const DynamicSchema& schema,
                                         const LlmOutputOptions& options) {
  if (raw.empty() || raw.size() > options.max_bytes || IsBlank(raw)) return std::nullopt;
  std::optional<json> value = GeneralParse(raw, options.max_depth);
  if (!value) return std::nullopt;
  ParsedLlmOutput out;
  out.outcome = TurnOutcome::kFallback;
  if (!value->is_object()) {
    out.reason = reason::kNotAnObject;
    out.detail = "expected a JSON object, got " + DescribeJson(*value);
    return out;
  }
  out.violations = schema.Validate(*value);
  if (!out.violations.empty()) {
    out.reason = reason::kValidationFailed;
    const std::size_t n = out.violations.size();
    out.detail = std::to_string(n) + " schema violation" + (n == 1 ? "" : "s");
    out.object = std::move(*value);
    return out;
  }
  out.object = schema.WithDefaults(*value, &out.defaults_applied);
  out.outcome = TurnOutcome::kStructured;
  out.reason = reason::kOk;
  out.spoken = ExtractSpokenOutput(out.object, schema, options.text_field);
  out.room_payload = schema.PublicPayloadText(out.object, &out.room_fields);
  if (!options.keep_object) out.object = json();
  return out;
}

// ---- Exact comparison -----------------------------------------------------------------------

bool SameJson(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case json::value_t::object: {
      if (a.size() != b.size()) return false;
      auto ib = b.begin();
      for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !SameJson(ia.value(), ib.value())) return false;
      }
      return true;
    }
    case json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!SameJson(a[i], b[i])) return false;
      }
      return true;
    }
    case json::value_t::number_float:
      return std::bit_cast<std::uint64_t>(a.get<double>()) ==
             std::bit_cast<std::uint64_t>(b.get<double>());
    default:
      return a == b;
  }
}

std::string Describe(const std::vector<Violation>& violations) {
  std::string s;
  for (const Violation& v : violations) s += v.field + "/" + v.reason + "/" + v.message + "; ";
  return s;
}

std::string Describe(const CoercionCounts& counts) {
  std::string s;
  for (const auto& [name, n] : counts.NonZero())
    s += std::string(name) + "=" + std::to_string(n) + " ";
  return s;
}

std::string Difference(const ParsedLlmOutput& got, const ParsedLlmOutput& want, bool skip_object) {
  auto line = [](std::string_view what, const std::string& g, const std::string& w) {
    return std::string(what) + ": got [" + g + "], want [" + w + "]";
  };
  if (got.outcome != want.outcome) {
    return line("outcome", std::to_string(static_cast<int>(got.outcome)),
                std::to_string(static_cast<int>(want.outcome)));
  }
  if (got.reason != want.reason) {
    return line("reason", std::string(got.reason), std::string(want.reason));
  }
  if (got.detail != want.detail) return line("detail", got.detail, want.detail);
  if (!skip_object && !SameJson(got.object, want.object)) {
    return line("object", got.object.dump(), want.object.dump());
  }
  if (!(got.coercions == want.coercions)) {
    return line("coercions", Describe(got.coercions), Describe(want.coercions));
  }
  if (got.defaults_applied != want.defaults_applied) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const std::string& x : v) s += x + ",";
      return s;
    };
    return line("defaults_applied", join(got.defaults_applied), join(want.defaults_applied));
  }
  bool same_violations = got.violations.size() == want.violations.size();
  for (std::size_t i = 0; same_violations && i < got.violations.size(); ++i) {
    const Violation& g = got.violations[i];
    const Violation& w = want.violations[i];
    same_violations = g.field == w.field && g.reason == w.reason && g.message == w.message;
  }
  if (!same_violations) {
    return line("violations", Describe(got.violations), Describe(want.violations));
  }
  if (got.spoken.text != want.spoken.text) {
    return line("spoken.text", got.spoken.text, want.spoken.text);
  }
  if (got.spoken.voice_instructions != want.spoken.voice_instructions) {
    return line("spoken.voice_instructions", got.spoken.voice_instructions,
                want.spoken.voice_instructions);
  }
  if (got.room_payload != want.room_payload) {
    return line("room_payload", got.room_payload, want.room_payload);
  }
  if (got.room_fields != want.room_fields) {
    return line("room_fields", std::to_string(got.room_fields), std::to_string(want.room_fields));
  }
  return "";
}

}  // namespace agentsim::structured_output_test
