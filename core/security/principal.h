// Who is acting: a principal with one of the seed's roles, in one tenant (seed: "Access
// Control", "Tenant Isolation"). Every mutating ConfigurationStore operation takes one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/util/error.h"

namespace agentsim {

enum class Role { kAdmin, kDeveloper, kViewer };
enum class Permission { kCreateAgent, kUpdateAgent, kDeleteAgent, kViewAgent };

// "admin", "developer", "viewer" / "create_agent", "update_agent", ...
std::string_view RoleName(Role role);
std::string_view PermissionName(Permission permission);
// Parses a role name. Errors: kInvalidArgument listing the roles.
Result<Role> ParseRole(std::string_view name);

struct Principal {
  std::string user_id;
  Role role = Role::kViewer;
  std::string tenant_id;
};

}  // namespace agentsim
