// What changed between two versions of an agent's config, for the evolution rules
// (core/config/schema_evolution.h) and for humans (`agentsim configs diff OLD NEW`): every
// change of the structured-output schema, classified as compatible or breaking, and every other
// change of the documents as written. Rationale: docs/configuration.md, "Immutability and schema
// evolution".
//
// Compatible means: every output valid under the old schema is still valid under the new one,
// and every consumer of the old version (the frontend in the room, TTS, stored records) still
// gets each field it got before, with the same type, presence guarantee and visibility. Loosened
// constraints and added Literal values are compatible: consumers must accept values they have
// not seen before.
//
// Kinds (breaking marked *):
//   field_added_optional_with_default       optional field with a default added
//   field_added_optional_without_default    optional field without a default added (absence is
//                                           valid, and defaults are never filled into outputs)
//   field_added_required *                  outputs valid before lack it
//   field_removed *                         consumers lose it; outputs with it get unknown_field
//   type_changed *                          any change of kind, including str <-> Literal and
//                                           int -> float (a Literal gaining or losing values
//                                           is not one)
//   literal_value_removed *, literal_value_added
//   required_to_optional *                  consumers could rely on the field being present
//   optional_to_required *                  outputs valid before may lack it
//   constraint_tightened *                  ge raised, le lowered, min_length raised,
//                                           max_length lowered
//   constraint_added *                      (except min_length 0, which refuses nothing)
//   constraint_loosened, constraint_removed
//   hidden_changed *                        false -> true: the frontend loses data;
//                                           true -> false: private data becomes public
//   use_in_tts_changed *                    what the user hears changes
//   default_changed, category_changed, description_changed   informational
#pragma once

#include <string>
#include <vector>

#include "core/config/agent_config.h"
#include "core/schema/dynamic_schema.h"

namespace agentsim {

struct SchemaChange {
  std::string field;  // field name
  std::string kind;   // one of the codes above
  bool breaking = false;
  std::string explanation;  // what changed and why it is (in)compatible, e.g.
                            // "le 100 -> 50: outputs valid before (e.g. 75) are now refused"

  friend bool operator==(const SchemaChange&, const SchemaChange&) = default;
};

// Every change from `before` to `after`, in a deterministic order: fields in `after`'s order
// (added and changed ones), then removed fields in `before`'s order. Within a field the aspects
// come in this order: type; Literal values (removed ones in `before`'s order, then added ones in
// `after`'s order; only when both are Literal); required; constraints ge, le, min_length,
// max_length; default; hidden; use_in_tts; category; description. Field order and the spelling
// of a type ("list[ str ]", quote style in a Literal) are not changes; schema_id is not a field
// (DiffConfigs reports it).
std::vector<SchemaChange> DiffSchemas(const DynamicSchema& before, const DynamicSchema& after);

struct ConfigDiff {
  std::vector<SchemaChange> schema;  // DiffSchemas(before.schema, after.schema)
  // Every other change, one line each: "<path>: <old> -> <new>" with the path a JSON pointer
  // without its leading '/', values as compact JSON and "(absent)" for a missing key, e.g.
  // "llm_config/temperature: 0.7 -> 0.9", "feature_flags/x: (absent) -> true". Computed with
  // nlohmann::json::diff on the raw documents without schema_config/fields (so
  // schema_config/schema_id appears here), sorted by path. Defaults are not applied: a key added
  // with its default value is still a change.
  std::vector<std::string> other;

  // Whether any schema change is breaking.
  bool breaking() const;
};

ConfigDiff DiffConfigs(const AgentConfig& before, const AgentConfig& after);

// Human text, one line per change, each ending with '\n':
//   "BREAKING   <field>: <kind>: <explanation>"   breaking schema change
//   "compatible <field>: <kind>: <explanation>"   other schema change
//   "config     <other line>"
// then a verdict line, one of
//   "verdict: no changes"
//   "verdict: compatible (<n> schema changes, none breaking; <k> other changes): no major version
//    bump needed" (on one line)
//   "verdict: breaking (<b> of <n> schema changes): needs a major version bump and a new agent_id
//    ...-v<major>" (on one line)
std::string FormatConfigDiff(const ConfigDiff& diff);

}  // namespace agentsim
