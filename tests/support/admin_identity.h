#pragma once

#include "domain/identity.h"
#include "domain/role.h"

namespace warden::testing {

// The bootstrap admin as the Authenticator admits it (HTTP Basic): principal "user:admin",
// holding the Admin role.
inline Identity AdminIdentity() {
  Identity admin;
  admin.kind = IdentityKind::kAdmin;
  admin.id = "admin";
  admin.name = "admin";
  admin.roles = {kAdminRoleName};
  return admin;
}

}  // namespace warden::testing
