#include "core/security/rbac.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "core/security/principal.h"

namespace agentsim {
namespace {

struct MatrixCase {
  Role role;
  Permission permission;
  bool allowed;
};

// The seed's ROLE_PERMISSIONS, written out cell by cell: 3 roles x 4 permissions.
const std::vector<MatrixCase> kMatrix = {
    {Role::kAdmin, Permission::kCreateAgent, true},
    {Role::kAdmin, Permission::kUpdateAgent, true},
    {Role::kAdmin, Permission::kDeleteAgent, true},
    {Role::kAdmin, Permission::kViewAgent, true},
    {Role::kDeveloper, Permission::kCreateAgent, false},
    {Role::kDeveloper, Permission::kUpdateAgent, true},
    {Role::kDeveloper, Permission::kDeleteAgent, false},
    {Role::kDeveloper, Permission::kViewAgent, true},
    {Role::kViewer, Permission::kCreateAgent, false},
    {Role::kViewer, Permission::kUpdateAgent, false},
    {Role::kViewer, Permission::kDeleteAgent, false},
    {Role::kViewer, Permission::kViewAgent, true},
};

std::string CaseName(const MatrixCase& c) {
  return std::string(RoleName(c.role)) + "/" + std::string(PermissionName(c.permission));
}

TEST(RbacTest, MatrixCoversEveryRoleAndPermissionOnce) {
  std::vector<std::tuple<Role, Permission>> seen;
  for (const MatrixCase& c : kMatrix) seen.emplace_back(c.role, c.permission);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.size(), 12u);
}

TEST(RbacTest, HasPermissionFollowsTheSeedMatrix) {
  for (const MatrixCase& c : kMatrix) {
    EXPECT_EQ(HasPermission(c.role, c.permission), c.allowed) << CaseName(c);
  }
}

TEST(RbacTest, AuthorizeInOwnTenantFollowsTheMatrixWithExactMessages) {
  for (const MatrixCase& c : kMatrix) {
    Principal who{.user_id = "dev-1", .role = c.role, .tenant_id = "acme"};
    Status status = Authorize(who, c.permission, "acme");
    if (c.allowed) {
      EXPECT_TRUE(status.has_value()) << CaseName(c) << ": " << status.error().ToString();
    } else {
      ASSERT_FALSE(status.has_value()) << CaseName(c);
      EXPECT_EQ(status.error().code, ErrorCode::kPermissionDenied) << CaseName(c);
      EXPECT_EQ(status.error().message, "user dev-1 (" + std::string(RoleName(c.role)) +
                                            ") lacks " + std::string(PermissionName(c.permission)))
          << CaseName(c);
    }
  }
}

TEST(RbacTest, AuthorizeDeniesEveryCellOnAnotherTenant) {
  for (const MatrixCase& c : kMatrix) {
    Principal who{.user_id = "dev-1", .role = c.role, .tenant_id = "acme"};
    Status status = Authorize(who, c.permission, "globex");
    ASSERT_FALSE(status.has_value()) << CaseName(c);
    EXPECT_EQ(status.error().code, ErrorCode::kPermissionDenied) << CaseName(c);
    EXPECT_EQ(status.error().message, "user dev-1 of tenant acme cannot act on tenant globex")
        << CaseName(c);
  }
}

TEST(RbacTest, ExactMessagesOfTheHeaderExamples) {
  Status lacks = Authorize({"dev-1", Role::kViewer, "acme"}, Permission::kCreateAgent, "acme");
  ASSERT_FALSE(lacks.has_value());
  EXPECT_EQ(lacks.error().ToString(), "PERMISSION_DENIED: user dev-1 (viewer) lacks create_agent");
}

TEST(RbacTest, TenantIsCheckedBeforeRole) {
  Status status =
      Authorize({"viewer-9", Role::kViewer, "globex"}, Permission::kDeleteAgent, "acme");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message, "user viewer-9 of tenant globex cannot act on tenant acme");
}

TEST(RbacTest, NamesAreTheSeedStrings) {
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
  EXPECT_EQ(RoleName(Role::kDeveloper), "developer");
  EXPECT_EQ(RoleName(Role::kViewer), "viewer");
  EXPECT_EQ(PermissionName(Permission::kCreateAgent), "create_agent");
  EXPECT_EQ(PermissionName(Permission::kUpdateAgent), "update_agent");
  EXPECT_EQ(PermissionName(Permission::kDeleteAgent), "delete_agent");
  EXPECT_EQ(PermissionName(Permission::kViewAgent), "view_agent");
}

TEST(RbacTest, ParseRoleAcceptsTheThreeNames) {
  struct Case {
    std::string name;
    Role role;
  };
  for (const Case& c : std::vector<Case>{
           {"admin", Role::kAdmin}, {"developer", Role::kDeveloper}, {"viewer", Role::kViewer}}) {
    Result<Role> role = ParseRole(c.name);
    ASSERT_TRUE(role.has_value()) << c.name;
    EXPECT_EQ(*role, c.role) << c.name;
  }
}

TEST(RbacTest, ParseRoleRejectsOtherNames) {
  for (std::string name : {"", "Admin", "ADMIN", "owner", "viewer ", " developer"}) {
    Result<Role> role = ParseRole(name);
    ASSERT_FALSE(role.has_value()) << "'" << name << "'";
    EXPECT_EQ(role.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(role.error().message,
              "unknown role \"" + name + "\": expected admin, developer or viewer");
  }
}

}  // namespace
}  // namespace agentsim
