#include "sim/workload/population.h"

#include <fmt/format.h>

namespace agentsim {

UserPopulation::UserPopulation(PopulationSpec spec, const Rng& rng)
    : spec_(std::move(spec)), ids_rng_(rng.Fork("user_ids")), tenants_rng_(rng.Fork("tenants")) {
  for (const TenantShare& t : spec_.tenants) total_weight_ += t.weight;
}

std::int64_t UserPopulation::UserOf(std::int64_t session_index) const {
  return spec_.users > 0 ? session_index % spec_.users : session_index;
}

std::string UserPopulation::UserId(std::int64_t user) const {
  if (spec_.ids == UserIdStyle::kSequential) return fmt::format("user-{:06d}", user);
  // Opaque ids, different for every seed (as real user ids are, relative to a hash seed).
  Rng ids = ids_rng_.Fork(static_cast<std::uint64_t>(user));
  return fmt::format("u-{:012x}", ids.NextU64() & 0xffff'ffff'ffffULL);
}

const TenantShare* UserPopulation::TenantOf(std::int64_t user) const {
  if (spec_.tenants.empty()) return nullptr;
  Rng draw = tenants_rng_.Fork(static_cast<std::uint64_t>(user));
  const double u = draw.Uniform01() * total_weight_;
  double cumulative = 0;
  for (const TenantShare& t : spec_.tenants) {
    cumulative += t.weight;
    if (u < cumulative) return &t;
  }
  return &spec_.tenants.back();  // u rounded up to the total
}

}  // namespace agentsim
