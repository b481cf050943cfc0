#include "sim/workload/population.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/util/strings.h"
#include "sim/workload/population_json.h"

namespace agentsim {
namespace {

PopulationSpec Spec(std::int64_t users, UserIdStyle ids = UserIdStyle::kSequential) {
  PopulationSpec spec;
  spec.users = users;
  spec.ids = ids;
  return spec;
}

TEST(UserPopulationTest, SequentialIds) {
  const UserPopulation p(Spec(3), Rng(1));
  struct Case {
    std::int64_t session;
    std::int64_t user;
    std::string id;
  };
  for (const Case& c : std::vector<Case>{{0, 0, "user-000000"},
                                         {2, 2, "user-000002"},
                                         {3, 0, "user-000000"},
                                         {7, 1, "user-000001"}}) {
    EXPECT_EQ(p.UserOf(c.session), c.user);
    EXPECT_EQ(p.UserId(p.UserOf(c.session)), c.id);
  }
  const UserPopulation everyone({}, Rng(1));
  EXPECT_EQ(everyone.UserOf(1'234'567), 1'234'567);
  EXPECT_EQ(everyone.UserId(1'234'567), "user-1234567");
  EXPECT_EQ(everyone.TenantOf(5), nullptr);
}

TEST(UserPopulationTest, RandomIdsAreTheRunnersAndDependOnTheSeed) {
  const Rng users = Rng(42).Fork("users");
  const UserPopulation p(Spec(0, UserIdStyle::kRandom), users);
  for (std::int64_t user : {0, 1, 99}) {
    // What sim/runner.cc's UserId produced before this class existed.
    Rng ids = users.Fork("user_ids").Fork(static_cast<std::uint64_t>(user));
    EXPECT_EQ(p.UserId(user), fmt::format("u-{:012x}", ids.NextU64() & 0xffff'ffff'ffffULL));
    EXPECT_EQ(p.UserId(user).size(), 14u);
  }
  const UserPopulation other(Spec(0, UserIdStyle::kRandom), Rng(43).Fork("users"));
  EXPECT_NE(p.UserId(0), other.UserId(0));
  std::set<std::string> distinct;
  for (std::int64_t u = 0; u < 10'000; ++u) distinct.insert(p.UserId(u));
  EXPECT_EQ(distinct.size(), 10'000u);
}

TEST(UserPopulationTest, TenantsByWeightStablePerUser) {
  PopulationSpec spec;
  spec.users = 100'000;
  spec.tenants = {{"acme", "enterprise", 1}, {"globex", "pro", 3}, {"initech", "free", 6}};
  const UserPopulation p(spec, Rng(7));
  std::map<std::string, int> counts;
  for (std::int64_t u = 0; u < 100'000; ++u) ++counts[p.TenantOf(u)->tenant_id];
  EXPECT_NEAR(counts["acme"], 10'000, 400);
  EXPECT_NEAR(counts["globex"], 30'000, 600);
  EXPECT_NEAR(counts["initech"], 60'000, 600);
  // The same user always gets the same tenant, whatever was asked before.
  const UserPopulation again(spec, Rng(7));
  for (std::int64_t u : {99'999, 0, 12'345}) {
    EXPECT_EQ(again.TenantOf(u)->tenant_id, p.TenantOf(u)->tenant_id);
  }
  EXPECT_EQ(p.TenantOf(p.UserOf(100'003))->tier, p.TenantOf(3)->tier);
}

TEST(UserPopulationTest, TenantOfSmallPopulationIsPinned) {
  PopulationSpec spec;
  spec.tenants = {{"a", "free", 1}, {"b", "pro", 1}};
  const UserPopulation p(spec, Rng(1));
  std::string picks;
  for (std::int64_t u = 0; u < 12; ++u) picks += p.TenantOf(u)->tenant_id;
  EXPECT_EQ(picks, "aabbabbbaabb");
}

Result<PopulationSpec> Read(const std::string& json) {
  Result<JsonDocument> doc = JsonDocument::Parse("p.json", json);
  if (!doc) return std::unexpected(doc.error());
  std::vector<std::string> errors;
  std::optional<PopulationSpec> spec = ReadPopulation(*doc, "", &errors);
  if (!spec) return InvalidArgument(JoinLines(errors));
  return *spec;
}

TEST(ReadPopulationTest, ReadsUsersIdsAndTenants) {
  Result<PopulationSpec> s = Read(R"({"users": 5000, "user_ids": "random",
      "tenants": [{"tenant_id": "acme", "tier": "pro", "weight": 3}, {"tenant_id": "globex"}]})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->users, 5000);
  EXPECT_EQ(s->ids, UserIdStyle::kRandom);
  ASSERT_EQ(s->tenants.size(), 2u);
  EXPECT_EQ(s->tenants[0].tier, "pro");
  EXPECT_EQ(s->tenants[0].weight, 3);
  EXPECT_EQ(s->tenants[1].tier, "");
  EXPECT_EQ(s->tenants[1].weight, 1);
  Result<PopulationSpec> empty = Read("{}");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->users, 0);
  EXPECT_EQ(empty->ids, UserIdStyle::kSequential);
}

TEST(ReadPopulationTest, ReportsEveryProblem) {
  Result<PopulationSpec> s = Read(R"({"usres": 5, "user_ids": "uuid", "tenants": [
      {"tenant_id": "acme", "weight": 0}, {"tenant_id": "acme", "tier": ""}, {"tier": "pro"}]})");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message,
            "p.json:1:11: /usres: unknown key 'usres' (did you mean 'users'?)\n"
            "p.json:1:26: /user_ids: expected one of \"sequential\" \"random\", got string "
            "\"uuid\"\n"
            "p.json:2:39: /tenants/0/weight: expected a number above 0 up to 1000000000000.0, got number 0\n"
            "p.json:2:73: /tenants/1/tier: expected a non-empty string, got string \"\"\n"
            "p.json:2:57: /tenants/1/tenant_id: duplicate tenant_id \"acme\" (first at "
            "/tenants/0)\n"
            "p.json:2:78: /tenants/2: missing required key 'tenant_id' (a string)");
  Result<PopulationSpec> t = Read(R"({"tenants": []})");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().message,
            "p.json:1:13: /tenants: expected a non-empty array of {\"tenant_id\": STRING, "
            "\"tier\": STRING, \"weight\": NUMBER}, got an empty array");
}

}  // namespace
}  // namespace agentsim
