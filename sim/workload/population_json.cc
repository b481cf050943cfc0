#include "sim/workload/population_json.h"

#include <map>

#include "core/json/object_reader.h"

namespace agentsim {

std::optional<PopulationSpec> ReadPopulation(const JsonDocument& doc, const std::string& pointer,
                                             std::vector<std::string>* errors) {
  const std::size_t errors_before = errors->size();
  ObjectReader r(doc, pointer, errors);
  if (!r.present()) return std::nullopt;
  r.AllowOnly({"users", "user_ids", "tenants"});
  PopulationSpec spec;
  spec.users = r.Integer("users", Required::kNo, 1, 100'000'000).value_or(0);
  if (r.Enum("user_ids", Required::kNo, {"sequential", "random"}).value_or("") == "random") {
    spec.ids = UserIdStyle::kRandom;
  }
  if (const nlohmann::json* list = r.Get("tenants")) {
    if (!list->is_array() || list->empty()) {
      r.Fail("tenants", "expected a non-empty array of {\"tenant_id\": STRING, \"tier\": STRING, "
                        "\"weight\": NUMBER}, got " + DescribeJson(*list));
    } else {
      std::map<std::string, std::size_t> seen;  // tenant_id -> index
      for (std::size_t i = 0; i < list->size(); ++i) {
        ObjectReader t(doc, r.PointerTo("tenants") + "/" + std::to_string(i), errors);
        if (!t.present()) continue;
        t.AllowOnly({"tenant_id", "tier", "weight"});
        TenantShare share;
        auto id = t.String("tenant_id", Required::kYes);
        auto tier = t.String("tier", Required::kNo);
        auto weight = t.PositiveNumber("weight", Required::kNo, 1e12);
        if (!id) continue;
        if (auto [it, inserted] = seen.emplace(*id, i); !inserted) {
          t.Fail("tenant_id", "duplicate tenant_id \"" + *id + "\" (first at " +
                                  r.PointerTo("tenants") + "/" + std::to_string(it->second) + ")");
          continue;
        }
        share.tenant_id = *id;
        share.tier = tier.value_or("");
        share.weight = weight.value_or(1.0);
        spec.tenants.push_back(std::move(share));
      }
    }
  }
  if (errors->size() != errors_before) return std::nullopt;
  return spec;
}

}  // namespace agentsim
