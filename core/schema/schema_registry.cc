#include "core/schema/schema_registry.h"

#include "core/util/sha256.h"

namespace agentsim {
namespace {

// The value at `pointer` in `root`, or nullptr when it does not exist (or is malformed).
const nlohmann::json* Resolve(const nlohmann::json& root, std::string_view pointer) {
  try {
    const nlohmann::json::json_pointer p{std::string(pointer)};
    if (!root.contains(p)) return nullptr;
    return &root.at(p);
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

}  // namespace

std::pair<std::string, std::string> SchemaRegistry::KeyOf(const nlohmann::json& schema_config) {
  std::string id;
  if (schema_config.is_object()) {
    auto it = schema_config.find("schema_id");
    if (it != schema_config.end() && it->is_string()) id = it->get<std::string>();
  }
  // Parsed JSON holds valid UTF-8 only; `replace` keeps a hand-built value from throwing.
  const std::string canonical =
      schema_config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return {std::move(id), Sha256Hex(canonical)};
}

const DynamicSchema* SchemaRegistry::Find(const Key& key) {
  auto it = schemas_.find(key);
  if (it == schemas_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  return &it->second;
}

void SchemaRegistry::Store(Key key, const DynamicSchema& schema) {
  ++stats_.compiles;
  schemas_.emplace(std::move(key), schema);
}

Result<DynamicSchema> SchemaRegistry::GetOrCompile(const JsonDocument& doc,
                                                   std::string_view pointer) {
  const nlohmann::json* config = Resolve(doc.root(), pointer);
  if (config == nullptr) {
    ++stats_.misses;  // nothing to key on; Compile reports the missing value
    return DynamicSchema::Compile(doc, pointer);
  }
  Key key = KeyOf(*config);
  if (const DynamicSchema* cached = Find(key)) return *cached;
  Result<DynamicSchema> compiled = DynamicSchema::Compile(doc, pointer);
  if (compiled) Store(std::move(key), *compiled);
  return compiled;
}

Result<DynamicSchema> SchemaRegistry::GetOrCompile(const nlohmann::json& schema_config,
                                                   std::string_view source_name) {
  Key key = KeyOf(schema_config);
  if (const DynamicSchema* cached = Find(key)) return *cached;
  Result<DynamicSchema> compiled = DynamicSchema::Compile(schema_config, source_name);
  if (compiled) Store(std::move(key), *compiled);
  return compiled;
}

}  // namespace agentsim
