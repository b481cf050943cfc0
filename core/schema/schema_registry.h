// SchemaRegistry (seed: "Schema Registry", "Cache Generated Schema Classes"): compiled
// DynamicSchemas, cached so that every config declaring the same schema shares one compiled
// form. Unlike the seed's it is not a singleton: whoever needs one creates it and passes it in
// (ParseAgentConfig, ConfigurationStore).
//
// Key: (schema_id, SHA-256 of the canonical schema_config JSON). Canonical = nlohmann::json's
// compact dump: object keys sorted, no whitespace, so formatting and key order in the source do
// not matter while any change of content (a new field, a changed constraint) is a new entry,
// even under the same schema_id (schema evolution).
//
// Only successful compilations are cached: error messages name the document's file and
// line:column, so a broken schema is compiled (and reported) afresh for every document.
// Entries are never evicted (a process declares few schemas). Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/json/json_document.h"
#include "core/schema/dynamic_schema.h"
#include "core/util/error.h"

namespace agentsim {

class SchemaRegistry {
 public:
  struct Stats {
    std::uint64_t hits = 0;      // answered from the registry
    std::uint64_t misses = 0;    // not in the registry: compiled
    std::uint64_t compiles = 0;  // misses that compiled successfully (and were cached)
  };

  SchemaRegistry() = default;
  SchemaRegistry(const SchemaRegistry&) = delete;
  SchemaRegistry& operator=(const SchemaRegistry&) = delete;

  // The schema_config at `pointer` in `doc`, compiled or from the registry. The result shares
  // the registry's compiled form. Errors: those of DynamicSchema::Compile (located in `doc`).
  Result<DynamicSchema> GetOrCompile(const JsonDocument& doc, std::string_view pointer);
  // The same for a bare value (errors name `source_name`).
  Result<DynamicSchema> GetOrCompile(const nlohmann::json& schema_config,
                                     std::string_view source_name = "schema_config");

  // Distinct compiled schemas held.
  std::size_t size() const { return schemas_.size(); }
  const Stats& stats() const { return stats_; }

  // The registry key of `schema_config`: (schema_id or "" when it has none, hex SHA-256 of the
  // canonical JSON).
  static std::pair<std::string, std::string> KeyOf(const nlohmann::json& schema_config);

 private:
  using Key = std::pair<std::string, std::string>;
  const DynamicSchema* Find(const Key& key);
  void Store(Key key, const DynamicSchema& schema);

  std::map<Key, DynamicSchema> schemas_;
  Stats stats_;
};

}  // namespace agentsim
