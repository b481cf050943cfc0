#include "core/config/agent_config.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json/object_reader.h"
#include "core/schema/schema_registry.h"

namespace agentsim {
namespace {

using nlohmann::json;

constexpr std::string_view kMissing = "nothing (required key missing)";

bool Contains(std::initializer_list<std::string_view> keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string Join(std::initializer_list<std::string_view> keys) {
  std::string out;
  for (std::string_view k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

// The value of a JSON integer if it fits int64.
std::optional<std::int64_t> AsInt64(const json& v) {
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

// Checks one config document, collecting every problem as a located message line.
class ConfigChecker {
 public:
  explicit ConfigChecker(const JsonDocument& doc) : doc_(doc) {}

  void Add(const std::string& pointer, std::string_view message) {
    errors_.push_back(doc_.Describe(pointer, message));
  }
  // Appends the lines of a multi-line error message as they are.
  void AddLines(const std::string& lines) {
    std::size_t start = 0;
    while (start <= lines.size()) {
      std::size_t end = lines.find('\n', start);
      if (end == std::string::npos) end = lines.size();
      if (end > start) errors_.push_back(lines.substr(start, end - start));
      start = end + 1;
    }
  }
  bool ok() const { return errors_.empty(); }
  Error ToError() const {
    std::string message;
    for (const std::string& e : errors_) {
      if (!message.empty()) message += '\n';
      message += e;
    }
    return Error{ErrorCode::kInvalidArgument, std::move(message)};
  }

  // The member `key` of `object` (at `parent`), or nullptr when absent; reports an absent
  // required member as "expected <expected>, got nothing (required key missing)".
  const json* Member(const json& object, const std::string& parent, std::string_view key,
                     bool required, std::string_view expected) {
    auto it = object.find(key);
    if (it != object.end()) return &*it;
    if (required)
      Add(Ptr(parent, key), "expected " + std::string(expected) + ", got " + std::string(kMissing));
    return nullptr;
  }

  // An object member; nullptr (after reporting) when absent-but-required or not an object.
  const json* Object(const json& object, const std::string& parent, std::string_view key,
                     bool required) {
    const json* v = Member(object, parent, key, required, "an object");
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      Add(Ptr(parent, key), "expected an object, got " + DescribeJson(*v));
      return nullptr;
    }
    return v;
  }

  void String(const json& object, const std::string& parent, std::string_view key, bool required,
              bool non_empty, std::string& out) {
    const std::string_view expected = non_empty ? "a non-empty string" : "a string";
    const json* v = Member(object, parent, key, required, expected);
    if (v == nullptr) return;
    if (!v->is_string() || (non_empty && v->get_ref<const std::string&>().empty())) {
      Add(Ptr(parent, key), "expected " + std::string(expected) + ", got " + DescribeJson(*v));
      return;
    }
    out = v->get<std::string>();
  }

  void Int(const json& object, const std::string& parent, std::string_view key, std::int64_t min,
           std::int64_t max, int& out) {
    const json* v = Member(object, parent, key, false, "");
    if (v == nullptr) return;
    std::optional<std::int64_t> n = AsInt64(*v);
    if (!n || *n < min || *n > max) {
      Add(Ptr(parent, key), "expected an integer in [" + std::to_string(min) + ", " +
                                std::to_string(max) + "], got " + DescribeJson(*v));
      return;
    }
    out = static_cast<int>(*n);
  }

  // An optional number accepted by `in_range`; `expected` describes the range.
  void Number(const json& object, const std::string& parent, std::string_view key,
              std::string_view expected, const std::function<bool(double)>& in_range, double& out) {
    const json* v = Member(object, parent, key, false, "");
    if (v == nullptr) return;
    if (!v->is_number() || !in_range(v->get<double>())) {
      Add(Ptr(parent, key), "expected " + std::string(expected) + ", got " + DescribeJson(*v));
      return;
    }
    out = v->get<double>();
  }

  void Bool(const json& object, const std::string& parent, std::string_view key, bool& out) {
    const json* v = Member(object, parent, key, false, "");
    if (v == nullptr) return;
    if (!v->is_boolean()) {
      Add(Ptr(parent, key), "expected a boolean, got " + DescribeJson(*v));
      return;
    }
    out = v->get<bool>();
  }

  // Every key of `object` outside `allowed` is an error: "unknown key \"tier_\" (did you mean
  // \"tier\"?)", or without a close match "unknown key \"x\"; expected one of a, b".
  void UnknownKeys(const json& object, const std::string& parent,
                   std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object.items()) {
      if (Contains(allowed, key)) continue;
      std::string message = "unknown key " + DumpForMessage(key);
      if (std::string hint = DidYouMean(key, allowed); !hint.empty()) {
        message += " (did you mean " + DumpForMessage(hint) + "?)";
      } else {
        message += "; expected one of " + Join(allowed);
      }
      Add(Ptr(parent, key), message);
    }
  }

  // For objects that also carry provider-specific options (llm_config, tts_config): a key
  // outside `known` is accepted unless DidYouMean finds it close to a known key (edit distance
  // at most 2, or a third of its length), which makes it a likely typo ("max_token",
  // "temprature", "sped"): "unknown key \"sped\" (did you mean \"speed\"?)".
  void MisspelledKeys(const json& object, const std::string& parent,
                      std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : object.items()) {
      if (Contains(known, key)) continue;
      if (std::string hint = DidYouMean(key, known); !hint.empty()) {
        Add(Ptr(parent, key),
            "unknown key " + DumpForMessage(key) + " (did you mean " + DumpForMessage(hint) + "?)");
      }
    }
  }

  static std::string Ptr(const std::string& parent, std::string_view key) {
    return parent + "/" + EscapePointerToken(key);
  }

 private:
  const JsonDocument& doc_;
  std::vector<std::string> errors_;
};

void CheckTenant(ConfigChecker& c, const json& root, TenantConfig& out) {
  const json* t = c.Object(root, "", "tenant_config", true);
  if (t == nullptr) return;
  const std::string p = "/tenant_config";
  c.String(*t, p, "tenant_id", true, true, out.tenant_id);
  if (const json* tier = c.Member(*t, p, "tier", false, "")) {
    if (!tier->is_string() || (*tier != "free" && *tier != "pro" && *tier != "enterprise")) {
      c.Add(p + "/tier",
            "expected one of \"free\", \"pro\", \"enterprise\", got " + DescribeJson(*tier));
    } else {
      out.tier = tier->get<std::string>();
    }
  }
  c.UnknownKeys(*t, p, {"tenant_id", "tier"});
}

void CheckPrompt(ConfigChecker& c, const json& root, PromptConfig& out) {
  const json* pc = c.Object(root, "", "prompt_config", true);
  if (pc == nullptr) return;
  const std::string p = "/prompt_config";
  c.String(*pc, p, "system_prompt", true, false, out.system_prompt);
  c.Int(*pc, p, "max_history_turns", 0, 1000, out.max_history_turns);
  c.UnknownKeys(*pc, p, {"system_prompt", "max_history_turns"});
}

void CheckFallbacks(ConfigChecker& c, const json& llm, const std::string& parent,
                    std::vector<LlmFallback>& out) {
  const json* list = c.Member(llm, parent, "fallback_providers", false, "");
  if (list == nullptr) return;
  const std::string p = parent + "/fallback_providers";
  constexpr std::size_t kMaxFallbacks = 8;
  if (!list->is_array() || list->size() > kMaxFallbacks) {
    c.Add(p, "expected an array of at most 8 {provider, model} objects, got " +
                 DescribeJson(*list));
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string ip = p + "/" + std::to_string(i);
    const json& entry = (*list)[i];
    if (!entry.is_object()) {
      c.Add(ip, "expected an object {provider, model}, got " + DescribeJson(entry));
      continue;
    }
    LlmFallback fallback;
    c.String(entry, ip, "provider", true, true, fallback.provider);
    c.String(entry, ip, "model", true, true, fallback.model);
    c.String(entry, ip, "api_key_env", false, false, fallback.api_key_env);
    c.UnknownKeys(entry, ip, {"provider", "model", "api_key_env"});
    out.push_back(std::move(fallback));
  }
}

void CheckRetry(ConfigChecker& c, const json& llm, const std::string& parent, RetryPolicy& out) {
  const json* retry = c.Object(llm, parent, "retry", false);
  if (retry == nullptr) return;
  const std::string p = parent + "/retry";
  int max_attempts = out.max_attempts;
  int base_ms = static_cast<int>(out.base_delay_us / kMicrosPerMilli);
  int max_ms = static_cast<int>(out.max_delay_us / kMicrosPerMilli);
  int deadline_ms = static_cast<int>(out.deadline_us / kMicrosPerMilli);
  int timeout_ms = static_cast<int>(out.call_timeout_us / kMicrosPerMilli);
  c.Int(*retry, p, "max_attempts", 1, 10, max_attempts);
  c.Int(*retry, p, "base_delay_ms", 0, 60'000, base_ms);
  c.Int(*retry, p, "max_delay_ms", 0, 600'000, max_ms);
  c.Int(*retry, p, "deadline_ms", 0, 3'600'000, deadline_ms);
  c.Int(*retry, p, "call_timeout_ms", 0, 3'600'000, timeout_ms);
  if (max_ms < base_ms) {
    c.Add(p + "/max_delay_ms", "expected an integer >= base_delay_ms (" +
                                   std::to_string(base_ms) + "), got " + std::to_string(max_ms));
  }
  c.UnknownKeys(*retry, p,
                {"max_attempts", "base_delay_ms", "max_delay_ms", "deadline_ms",
                 "call_timeout_ms"});
  out.max_attempts = max_attempts;
  out.base_delay_us = base_ms * kMicrosPerMilli;
  out.max_delay_us = max_ms * kMicrosPerMilli;
  out.deadline_us = deadline_ms * kMicrosPerMilli;
  out.call_timeout_us = timeout_ms * kMicrosPerMilli;
}

void CheckLlm(ConfigChecker& c, const json& root, LlmConfig& out) {
  const json* llm = c.Object(root, "", "llm_config", true);
  if (llm == nullptr) return;
  const std::string p = "/llm_config";
  c.String(*llm, p, "provider", true, false, out.provider);
  c.String(*llm, p, "model", true, false, out.model);
  c.Number(
      *llm, p, "temperature", "a number in [0, 2.0]", [](double d) { return d >= 0 && d <= 2.0; },
      out.temperature);
  c.Int(*llm, p, "max_tokens", 1, 1000000, out.max_tokens);
  c.String(*llm, p, "api_key_env", false, false, out.api_key_env);
  c.Bool(*llm, p, "stream", out.stream);
  // seed, Secrets Management: reference secrets (api_key_env), never store them.
  if (llm->contains("api_key")) {
    c.Add(p + "/api_key",
          "expected no secret in the config (name an environment variable in api_key_env), got "
          "an api_key");
  }
  CheckFallbacks(c, *llm, p, out.fallback_providers);
  CheckRetry(c, *llm, p, out.retry);
  // Other keys are provider-specific options, unless they look like a typo of ours.
  c.MisspelledKeys(*llm, p, {"provider", "model", "temperature", "max_tokens", "api_key_env",
                             "fallback_providers", "retry", "stream"});
}

void CheckTts(ConfigChecker& c, const json& root, const DynamicSchema* schema, TtsConfig& out) {
  const json* tts = c.Object(root, "", "tts_config", true);
  if (tts == nullptr) return;
  const std::string p = "/tts_config";
  c.String(*tts, p, "provider", true, false, out.provider);
  c.String(*tts, p, "voice", true, false, out.voice);
  c.Number(
      *tts, p, "speed", "a number in (0, 4]", [](double d) { return d > 0 && d <= 4; }, out.speed);
  const json* text_field = c.Member(*tts, p, "text_field", false, "");
  constexpr std::string_view kExpected = "expected the name of a str field of schema_config, got ";
  if (text_field != nullptr && !text_field->is_string()) {
    c.Add(p + "/text_field", std::string(kExpected) + DescribeJson(*text_field));
    return;
  }
  // Other keys are provider-specific options, unless they look like a typo of ours.
  c.MisspelledKeys(*tts, p, {"provider", "voice", "speed", "text_field"});
  if (text_field != nullptr) out.text_field = text_field->get<std::string>();
  if (schema == nullptr) return;  // schema_config has its own errors
  const std::string got = text_field != nullptr ? DescribeJson(*text_field)
                                                : "the default " + DumpForMessage(out.text_field);
  const SchemaField* field = schema->Find(out.text_field);
  if (field == nullptr) {
    c.Add(p + "/text_field", std::string(kExpected) + got + " (no such field)");
  } else if (field->kind != FieldKind::kStr) {
    c.Add(p + "/text_field", std::string(kExpected) + got + " (a field of type " +
                                 std::string(FieldKindName(field->kind)) + ")");
  } else if (field->metadata.hidden) {
    // Speaking a hidden field would leak it to the user as audio.
    c.Add(p + "/text_field", std::string(kExpected) + got + " (a hidden field: it would be spoken)");
  }
}

void CheckFlags(ConfigChecker& c, const json& root, std::map<std::string, bool>& out) {
  const json* flags = c.Member(root, "", "feature_flags", false, "");
  if (flags == nullptr) return;
  if (!flags->is_object()) {
    c.Add("/feature_flags", "expected an object of booleans, got " + DescribeJson(*flags));
    return;
  }
  for (const auto& [name, value] : flags->items()) {
    if (!value.is_boolean()) {
      c.Add(ConfigChecker::Ptr("/feature_flags", name),
            "expected a boolean, got " + DescribeJson(value));
    } else {
      out[name] = value.get<bool>();
    }
  }
}

}  // namespace

bool AgentConfig::IsFeatureEnabled(const std::string& flag) const {
  auto it = feature_flags.find(flag);
  return it != feature_flags.end() && it->second;
}

Result<AgentConfig> ParseAgentConfig(const JsonDocument& doc, SchemaRegistry* registry) {
  const json& root = doc.root();
  ConfigChecker c(doc);
  if (!root.is_object()) {
    c.Add("", "expected an agent config object, got " + DescribeJson(root));
    return std::unexpected(c.ToError());
  }
  AgentConfig config;
  c.String(root, "", "agent_id", true, true, config.agent_id);
  c.String(root, "", "version", true, true, config.version);
  CheckTenant(c, root, config.tenant);
  CheckPrompt(c, root, config.prompt);
  const DynamicSchema* schema = nullptr;
  Result<DynamicSchema> compiled = registry != nullptr
                                       ? registry->GetOrCompile(doc, "/schema_config")
                                       : DynamicSchema::Compile(doc, "/schema_config");
  if (compiled) {
    config.schema = std::move(*compiled);
    schema = &config.schema;
  } else {
    c.AddLines(compiled.error().message);
  }
  CheckLlm(c, root, config.llm);
  CheckTts(c, root, schema, config.tts);
  CheckFlags(c, root, config.feature_flags);
  c.Bool(root, "", "enabled", config.enabled);
  c.UnknownKeys(root, "",
                {"agent_id", "version", "tenant_config", "prompt_config", "schema_config",
                 "llm_config", "tts_config", "feature_flags", "enabled"});
  if (!c.ok()) return std::unexpected(c.ToError());
  config.raw = root;
  return config;
}

Result<AgentConfig> ParseAgentConfig(std::string source_name, std::string json_text,
                                     SchemaRegistry* registry) {
  Result<JsonDocument> doc = JsonDocument::Parse(std::move(source_name), std::move(json_text));
  if (!doc) return std::unexpected(doc.error());
  return ParseAgentConfig(*doc, registry);
}

}  // namespace agentsim
