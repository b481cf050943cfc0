// Generates values that satisfy a DynamicSchema's fields (and, on request, values that do not),
// for the mock LLM. Deterministic in the Rng passed in.
//
// Two forms of the same answer: Object() builds it as an nlohmann::ordered_json (the malformed
// outputs edit it); AppendObjectText() writes CompactJson(Object(...)) byte for byte, with the
// same draws in the same order, straight into a string (the mock LLM's per-turn path: no JSON
// tree, no per-value allocation). What is constant per schema (the quoted keys with their colon,
// the text of Literal values and of corpus candidates, which candidates fit a field's length
// bounds) is computed on the first answer for a schema and cached in the generator, keyed by the
// schema's compiled form (DynamicSchema copies share it; the cache holds a copy, so the key
// stays valid).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/rng/rng.h"
#include "core/schema/dynamic_schema.h"
#include "mocks/response_corpus.h"

namespace agentsim {

class SchemaValueGenerator {
 public:
  // `corpus` not owned; REQUIRES: it outlives the generator and does not change.
  explicit SchemaValueGenerator(const ResponseCorpus* corpus);
  ~SchemaValueGenerator();
  SchemaValueGenerator(SchemaValueGenerator&&) noexcept;
  SchemaValueGenerator& operator=(SchemaValueGenerator&&) noexcept;

  // An object valid for `schema`: required fields always, optional ones with probability
  // `optional_rate`; keys in schema order.
  nlohmann::ordered_json Object(const DynamicSchema& schema, double optional_rate, Rng& rng) const;
  // Appends CompactJson(Object(schema, optional_rate, rng)) to `out`: the same text and the same
  // draws. Throws what CompactJson throws (nlohmann's type_error 316 for a string that is not
  // UTF-8; the schemas and corpora we load hold none).
  void AppendObjectText(const DynamicSchema& schema, double optional_rate, Rng& rng,
                        std::string& out);
  // A value valid for `field` (type, Literal, ge/le, min/max length).
  nlohmann::ordered_json Value(const SchemaField& field, Rng& rng) const;
  // A value of another JSON type than `field` requires (string for numbers, number for strings).
  nlohmann::ordered_json WrongTypeValue(const SchemaField& field, Rng& rng) const;

 private:
  struct FieldPlan;
  struct SchemaPlan;

  // A string of [min_length, max_length] code points for `field`: a corpus candidate for its name
  // when the one drawn fits, else corpus words.
  std::string String(const SchemaField& field, Rng& rng) const;
  std::string Words(std::int64_t min_len, std::int64_t max_len, Rng& rng) const;
  // Appends Words(min_len, max_len, rng) as a JSON string; REQUIRES: no word needs escaping.
  void AppendWords(std::int64_t min_len, std::int64_t max_len, Rng& rng, std::string& out) const;
  double Number(const SchemaField& field, bool integral, Rng& rng) const;

  SchemaPlan& PlanFor(const DynamicSchema& schema);
  std::unique_ptr<SchemaPlan> MakePlan(const DynamicSchema& schema) const;
  // False when a string is not valid UTF-8 (`out` then holds part of the text).
  bool AppendString(const FieldPlan& plan, Rng& rng, std::string& out) const;
  bool AppendValue(const FieldPlan& plan, Rng& rng, std::string& out) const;

  const ResponseCorpus* corpus_;
  bool words_plain_ = false;  // no corpus word needs escaping: AppendWords applies
  std::vector<std::unique_ptr<SchemaPlan>> plans_;
  std::vector<const SchemaField*> keys_;  // plans_[i]'s schema's fields().data()
  std::size_t last_ = 0;                  // the index of the previous call's plan
};

}  // namespace agentsim
