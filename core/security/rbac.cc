#include "core/security/rbac.h"

#include <string>

namespace agentsim {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kDeveloper:
      return "developer";
    case Role::kViewer:
      return "viewer";
  }
  return "unknown_role";
}

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kCreateAgent:
      return "create_agent";
    case Permission::kUpdateAgent:
      return "update_agent";
    case Permission::kDeleteAgent:
      return "delete_agent";
    case Permission::kViewAgent:
      return "view_agent";
  }
  return "unknown_permission";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kAdmin, Role::kDeveloper, Role::kViewer}) {
    if (name == RoleName(role)) return role;
  }
  return InvalidArgument("unknown role \"" + std::string(name) +
                         "\": expected admin, developer or viewer");
}

bool HasPermission(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kDeveloper:
      return permission == Permission::kUpdateAgent || permission == Permission::kViewAgent;
    case Role::kViewer:
      return permission == Permission::kViewAgent;
  }
  return false;  // an out-of-range Role has no permissions
}

Status Authorize(const Principal& who, Permission permission, std::string_view resource_tenant_id) {
  if (who.tenant_id != resource_tenant_id) {
    return PermissionDenied("user " + who.user_id + " of tenant " + who.tenant_id +
                            " cannot act on tenant " + std::string(resource_tenant_id));
  }
  if (!HasPermission(who.role, permission)) {
    return PermissionDenied("user " + who.user_id + " (" + std::string(RoleName(who.role)) +
                            ") lacks " + std::string(PermissionName(permission)));
  }
  return {};
}

}  // namespace agentsim
