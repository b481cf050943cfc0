// Reading a user population (sim/workload/population.h) from JSON, every problem reported as
// "file:line:col: /pointer: what was expected"; unknown keys are errors with a did-you-mean:
//
//   {"users": 5000, "user_ids": "random",
//    "tenants": [{"tenant_id": "acme", "tier": "pro", "weight": 3},
//                {"tenant_id": "globex", "tier": "free"}]}
//
// All keys optional: users 1..1e8 (absent: a user per session); user_ids "sequential"
// (default) or "random"; tenants a non-empty array, tenant_id a non-empty string given once,
// tier a non-empty string (absent: configured elsewhere), weight > 0 up to 1e12 (default 1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json/json_document.h"
#include "sim/workload/population.h"

namespace agentsim {

// Reads the object at `pointer`, appending one line per problem to `errors`; nullopt when there
// was any (a missing object is one).
std::optional<PopulationSpec> ReadPopulation(const JsonDocument& doc, const std::string& pointer,
                                             std::vector<std::string>* errors);

}  // namespace agentsim
