// Generates values that satisfy a DynamicSchema's fields (and, on request, values that do not),
// for the mock LLM. Deterministic in the Rng passed in.
#pragma once

#include <nlohmann/json.hpp>

#include "core/rng/rng.h"
#include "core/schema/dynamic_schema.h"
#include "mocks/response_corpus.h"

namespace agentsim {

class SchemaValueGenerator {
 public:
  explicit SchemaValueGenerator(const ResponseCorpus* corpus) : corpus_(corpus) {}

  // An object valid for `schema`: required fields always, optional ones with probability
  // `optional_rate`; keys in schema order.
  nlohmann::ordered_json Object(const DynamicSchema& schema, double optional_rate, Rng& rng) const;
  // A value valid for `field` (type, Literal, ge/le, min/max length).
  nlohmann::ordered_json Value(const SchemaField& field, Rng& rng) const;
  // A value of another JSON type than `field` requires (string for numbers, number for strings).
  nlohmann::ordered_json WrongTypeValue(const SchemaField& field, Rng& rng) const;

 private:
  std::string String(const SchemaField& field, Rng& rng) const;
  double Number(const SchemaField& field, bool integral, Rng& rng) const;

  const ResponseCorpus* corpus_;
};

}  // namespace agentsim
