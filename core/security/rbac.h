// Role-based access control with the seed's roles and permission matrix ("Access Control"):
//
//   admin      create_agent update_agent delete_agent view_agent
//   developer               update_agent              view_agent
//   viewer                                            view_agent
//
// plus tenant isolation ("Tenant Isolation"): a principal acts only on its own tenant's configs.
#pragma once

#include <string_view>

#include "core/security/principal.h"
#include "core/util/error.h"

namespace agentsim {

// The seed's ROLE_PERMISSIONS matrix.
bool HasPermission(Role role, Permission permission);

// OK when `who` has `permission` and belongs to `resource_tenant_id`. Errors: kPermissionDenied
// with a message naming the user, role, permission and tenants, e.g.
// "user dev-1 (viewer) lacks create_agent" or
// "user dev-1 of tenant acme cannot act on tenant globex".
// Tenant isolation is checked first: a principal of another tenant is refused as such, whatever
// its role.
Status Authorize(const Principal& who, Permission permission, std::string_view resource_tenant_id);

}  // namespace agentsim
