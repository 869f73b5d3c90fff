// RoleSnapshot's resolved permissions: the union of a set of roles, resolved once per
// snapshot and shared, and a role edit (a new snapshot) seen by the very next resolution.

#include "validation/role_view.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace warden {
namespace {

Role MakeRole(const std::string& name, PermissionMap permissions) {
  Role role;
  role.name = name;
  role.permission_set.permissions = std::move(permissions);
  return role;
}

std::vector<Role> TwoRoles(Access alert_for_pager) {
  return {MakeRole("Pager", {{"Alert", alert_for_pager}, {"Cluster", Access::kNoAccess}}),
          MakeRole("Viewer", {{"Alert", Access::kRead}, {"Image", Access::kRead}})};
}

TEST_CASE("a set of roles resolves to the highest level each grants, unknown names to nothing") {
  RoleSnapshot snapshot(TwoRoles(Access::kReadWrite));
  const PermissionMap both = *snapshot.Resolve({"Viewer", "Pager", "Gone"});
  CHECK(both == PermissionMap{{"Alert", Access::kReadWrite},
                              {"Cluster", Access::kNoAccess},
                              {"Image", Access::kRead}});
  CHECK(*snapshot.Resolve({"Viewer"}) ==
        PermissionMap{{"Alert", Access::kRead}, {"Image", Access::kRead}});
  CHECK(snapshot.Resolve({"Gone"})->empty());
  CHECK(snapshot.Resolve({})->empty());
  CHECK(snapshot.ResolvePermissions({"Pager", "Viewer"}) == both);
}

TEST_CASE("a snapshot resolves a set of roles once and shares the answer") {
  RoleSnapshot snapshot(TwoRoles(Access::kReadWrite));
  CHECK(snapshot.Resolve({"Pager"}) == snapshot.Resolve({"Pager"}));
  CHECK(snapshot.Resolve({"Pager", "Viewer"}) == snapshot.Resolve({"Pager", "Viewer"}));
  // Another order of the same names resolves to the same permissions.
  CHECK(*snapshot.Resolve({"Viewer", "Pager"}) == *snapshot.Resolve({"Pager", "Viewer"}));
}

TEST_CASE("a role edit changes the resolved permissions at once") {
  RoleView view;
  view.Replace(TwoRoles(Access::kReadWrite));
  const auto before_one = view.Snapshot()->Resolve({"Pager"});
  const auto before_set = view.Snapshot()->Resolve({"Pager", "Viewer"});
  REQUIRE(before_one->at("Alert") == Access::kReadWrite);
  REQUIRE(before_set->at("Alert") == Access::kReadWrite);

  view.Replace(TwoRoles(Access::kNoAccess));  // Pager loses Alert; Viewer still reads it
  CHECK(view.Snapshot()->Resolve({"Pager"})->at("Alert") == Access::kNoAccess);
  CHECK(view.Snapshot()->Resolve({"Pager", "Viewer"})->at("Alert") == Access::kRead);
  // What was handed out before stays as it was: it is shared, never changed.
  CHECK(before_one->at("Alert") == Access::kReadWrite);

  view.Replace(std::vector<Role>{MakeRole("Viewer", {{"Image", Access::kRead}})});
  CHECK(view.Snapshot()->Resolve({"Pager"})->empty());  // deleted
  CHECK(*view.Snapshot()->Resolve({"Pager", "Viewer"}) == PermissionMap{{"Image", Access::kRead}});
}

TEST_CASE("sets beyond what a snapshot keeps are still resolved right") {
  std::vector<Role> roles;
  for (int i = 0; i < 50; ++i) {
    roles.push_back(MakeRole(absl::StrCat("R", i), {{absl::StrCat("Res", i), Access::kRead}}));
  }
  RoleSnapshot snapshot(std::move(roles));
  size_t sets = 0;
  for (int i = 0; i < 50 && sets <= RoleSnapshot::kMaxResolvedSets + 10; ++i) {
    for (int j = 0; j < 50 && sets <= RoleSnapshot::kMaxResolvedSets + 10; ++j, ++sets) {
      if (i == j) continue;
      const PermissionMap resolved =
          *snapshot.Resolve({absl::StrCat("R", i), absl::StrCat("R", j)});
      REQUIRE(resolved == PermissionMap{{absl::StrCat("Res", i), Access::kRead},
                                        {absl::StrCat("Res", j), Access::kRead}});
    }
  }
  CHECK(sets > RoleSnapshot::kMaxResolvedSets);
  CHECK(snapshot.Resolve({"R1", "R2"})->size() == 2);
}

}  // namespace
}  // namespace warden
