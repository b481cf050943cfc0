// UserPopulation: who the simulated users are: their ids and, when the scenario spreads
// sessions over tenants, each user's tenant and tier. Everything is drawn from forks of one
// Rng keyed by the user's number, so a user's id and tenant depend only on (seed, user) and
// never on how many sessions ran before (docs/workload.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng/rng.h"

namespace agentsim {

enum class UserIdStyle {
  kSequential,  // "user-000042"
  kRandom,      // "u-" and 12 lowercase hex digits, different for every seed
};

struct TenantShare {
  std::string tenant_id;
  std::string tier;     // empty: the tenant's tier as configured elsewhere
  double weight = 1.0;  // > 0; shares need not sum to 1
};

struct PopulationSpec {
  std::int64_t users = 0;  // distinct users; 0: every session has a user of its own
  UserIdStyle ids = UserIdStyle::kSequential;
  std::vector<TenantShare> tenants;  // empty: users have no tenant of their own
};

class UserPopulation {
 public:
  // `rng` is the run's user stream; ids use rng.Fork("user_ids").Fork(user) and tenants
  // rng.Fork("tenants").Fork(user) (the runner's ids before this class existed, unchanged).
  // REQUIRES: users >= 0, tenant weights > 0.
  UserPopulation(PopulationSpec spec, const Rng& rng);

  // The user (numbered from 0) of session `session_index` (0-based): the index modulo
  // `users`, or the index itself when users is 0.
  std::int64_t UserOf(std::int64_t session_index) const;
  // The id of user `user`: "user-%06d" (more digits past 999999), or "u-%012x" of 48 random
  // bits.
  std::string UserId(std::int64_t user) const;
  // The tenant of `user`, drawn by weight from one uniform of its own stream: the same on
  // every call. nullptr when the spec has no tenants.
  const TenantShare* TenantOf(std::int64_t user) const;

  const PopulationSpec& spec() const { return spec_; }

 private:
  PopulationSpec spec_;
  Rng ids_rng_;
  Rng tenants_rng_;
  double total_weight_ = 0;
};

}  // namespace agentsim
