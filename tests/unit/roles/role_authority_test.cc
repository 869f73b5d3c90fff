// RoleAuthority without PostgreSQL, over the in-memory role tables (tests/support): specs
// refused before storage, the role view reloaded before a write is answered, the
// no-escalation rule on role writes, and one audit record per write that succeeds.

#include "server/roles/role_authority.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/admin_identity.h"
#include "tests/support/captured.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_role_tables.h"
#include "tests/support/recording_audit_trail.h"

namespace warden {
namespace {

using testing::Captured;

constexpr char kUnknownId[] = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";

class RoleAuthorityFixture {
 public:
  RoleAuthorityFixture()
      : clock_(absl::FromUnixSeconds(1'800'000'000)),
        authority_(tables_, tables_, tables_, view_, audit_, clock_) {
    admin_set_ = tables_.AddPermissionSet("admin",
                                          {{"Access", Access::kReadWrite},
                                           {"Integration", Access::kReadWrite},
                                           {"Alert", Access::kReadWrite}},
                                          Origin::kBuiltIn);
    alert_read_ = tables_.AddPermissionSet("alert-read", {{"Alert", Access::kRead}});
    keeper_set_ = tables_.AddPermissionSet(
        "keeper", {{"Access", Access::kReadWrite}, {"Alert", Access::kRead}});
    prod_ = tables_.AddAccessScope("prod", ScopeRules{{"prod"}, {}});
    tables_.AddRole(kAdminRoleName, admin_set_.id, kUnrestrictedScopeId, Origin::kBuiltIn);
    tables_.AddRole("Analyst", alert_read_.id, kUnrestrictedScopeId);
    tables_.AddRole("Keeper", keeper_set_.id, kUnrestrictedScopeId);
    view_.Replace(tables_.Catalog());
  }

  static Identity Admin() { return testing::AdminIdentity(); }
  // A token that may manage roles (Access READ_WRITE) but holds only READ on Alert.
  static Identity Keeper() {
    Identity keeper;
    keeper.id = "9d1c5b7a-3e2f-4a6b-8c9d-0e1f2a3b4c5d";
    keeper.roles = {"Keeper"};
    return keeper;
  }

  RoleSpec Spec(const std::string& name, const PermissionSet& set,
                const std::string& scope_id = kUnrestrictedScopeId) const {
    return RoleSpec{name, "", set.id, scope_id};
  }

  // Runs `call` with a callback and returns its answer, which must come exactly once.
  template <typename Result>
  Result Call(const std::function<void(std::function<void(Result)>)>& call) {
    Captured<Result> answer;
    call(answer.Callback());
    REQUIRE(answer.calls() == 1);
    return answer.value();
  }
  absl::StatusOr<Role> CreateRole(const Identity& caller, RoleSpec spec) {
    return Call<absl::StatusOr<Role>>(
        [&](auto done) { authority_.CreateRole(caller, std::move(spec), std::move(done)); });
  }
  absl::StatusOr<PermissionSet> UpdatePermissionSet(const Identity& caller, const std::string& id,
                                                    PermissionSetSpec spec) {
    return Call<absl::StatusOr<PermissionSet>>([&](auto done) {
      authority_.UpdatePermissionSet(caller, id, std::move(spec), std::move(done));
    });
  }
  absl::Status DeleteRole(const Identity& caller, const std::string& name) {
    return Call<absl::Status>(
        [&](auto done) { authority_.DeleteRole(caller, name, std::move(done)); });
  }

  FakeClock clock_;
  testing::FakeRoleTables tables_;
  RoleView view_;
  testing::RecordingAuditTrail audit_;
  RoleAuthority authority_;
  PermissionSet admin_set_, alert_read_, keeper_set_;
  AccessScope prod_;
};

TEST_CASE_METHOD(RoleAuthorityFixture, "invalid requests are refused before storage is called") {
  auto refused = [](const absl::Status& status, const std::string& message) {
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK(status.message() == message);
  };
  refused(Call<absl::StatusOr<PermissionSet>>([&](auto done) {
            authority_.CreatePermissionSet(Admin(), PermissionSetSpec{"", "", {}}, done);
          }).status(),
          "permission set name must not be empty");
  refused(Call<absl::StatusOr<PermissionSet>>([&](auto done) {
            authority_.CreatePermissionSet(
                Admin(), PermissionSetSpec{"big", std::string(4097, 'x'), {}}, done);
          }).status(),
          "description is 4097 bytes long; the limit is 4096");
  refused(UpdatePermissionSet(Admin(), "alert-read", PermissionSetSpec{"x", "", {}}).status(),
          "permission set id must be a UUID");
  refused(UpdatePermissionSet(Admin(), alert_read_.id,
                              PermissionSetSpec{"x", "", {{"", Access::kRead}}})
              .status(),
          "resource names must not be empty nor contain NUL");
  refused(Call<absl::StatusOr<AccessScope>>([&](auto done) {
            authority_.CreateAccessScope(
                Admin(), AccessScopeSpec{"half", "", ScopeRules{{}, {{"prod", ""}}}}, done);
          }).status(),
          "a namespace rule needs both a cluster and a namespace");
  refused(Call<absl::Status>([&](auto done) { authority_.DeleteAccessScope(Admin(), "", done); }),
          "access scope id is required");
  refused(CreateRole(Admin(), RoleSpec{"Responder", "", "", kUnrestrictedScopeId}).status(),
          "permission_set_id is required");
  refused(CreateRole(Admin(), RoleSpec{"Responder", "", alert_read_.id, "prod"}).status(),
          "access_scope_id must be a UUID");
  refused(DeleteRole(Admin(), std::string("Analyst\0x", 9)),
          "role name must contain only printable characters");
  refused(Call<absl::StatusOr<Role>>([&](auto done) { authority_.GetRole("", done); }).status(),
          "role name must not be empty");

  CHECK(tables_.calls() == 0);
  CHECK(audit_.entries().empty());
}

TEST_CASE_METHOD(RoleAuthorityFixture,
                 "a created role is in the role view by the time the caller hears of it") {
  tables_.HoldReplies(true);
  Captured<absl::StatusOr<Role>> created;
  bool in_view_when_answered = false;
  authority_.CreateRole(Admin(), Spec("Responder", alert_read_, prod_.id),
                        [&, done = created.Callback()](absl::StatusOr<Role> role) {
                          in_view_when_answered = view_.Snapshot()->Find("Responder") != nullptr;
                          done(std::move(role));
                        });
  CHECK(created.calls() == 0);       // storage has not answered yet
  CHECK(tables_.RunPending() == 2);  // the write, then the reload it asks for
  CHECK(tables_.calls("LoadCatalog") == 1);

  REQUIRE(created.calls() == 1);
  REQUIRE(created.value().ok());
  CHECK(created.value()->access_scope.name == "prod");
  CHECK(in_view_when_answered);
  CHECK(view_.Snapshot()->generation() == tables_.Catalog().generation);

  std::vector<testing::AuditEntry> audit = audit_.entries();
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action == "role.create");
  CHECK(audit[0].actor == "user:admin");
  CHECK(audit[0].target == "Responder");
  CHECK(audit[0].details ==
        nlohmann::json{{"permission_set", "alert-read"}, {"access_scope", "prod"}});
}

TEST_CASE_METHOD(RoleAuthorityFixture,
                 "every write that succeeds is recorded once, naming the caller, the action and "
                 "the object") {
  const Identity admin = Admin();
  absl::StatusOr<PermissionSet> set = Call<absl::StatusOr<PermissionSet>>([&](auto done) {
    authority_.CreatePermissionSet(
        admin, PermissionSetSpec{"pager", "", {{"Alert", Access::kRead}}}, done);
  });
  REQUIRE(set.ok());
  absl::StatusOr<AccessScope> scope = Call<absl::StatusOr<AccessScope>>([&](auto done) {
    authority_.CreateAccessScope(admin, AccessScopeSpec{"staging", "", ScopeRules{{"stg"}, {}}},
                                 done);
  });
  REQUIRE(scope.ok());
  REQUIRE(CreateRole(admin, Spec("Pager", *set, scope->id)).ok());
  REQUIRE(Call<absl::StatusOr<Role>>([&](auto done) {
            authority_.UpdateRole(
                admin, RoleSpec{"Pager", "on call", set->id, kUnrestrictedScopeId}, done);
          }).ok());
  REQUIRE(UpdatePermissionSet(admin, set->id,
                              PermissionSetSpec{"pager", "", {{"Alert", Access::kReadWrite}}})
              .ok());
  // The role using the set grants the new level at once.
  CHECK(view_.Snapshot()->ResolvePermissions({"Pager"}).at("Alert") == Access::kReadWrite);
  REQUIRE(Call<absl::StatusOr<AccessScope>>([&](auto done) {
            authority_.UpdateAccessScope(
                admin, scope->id, AccessScopeSpec{"staging", "", ScopeRules{{"stg2"}, {}}}, done);
          }).ok());
  REQUIRE(DeleteRole(admin, "Pager").ok());
  CHECK(view_.Snapshot()->Find("Pager") == nullptr);
  REQUIRE(Call<absl::Status>([&](auto done) {
            authority_.DeletePermissionSet(admin, set->id, done);
          }).ok());
  REQUIRE(Call<absl::Status>([&](auto done) {
            authority_.DeleteAccessScope(admin, scope->id, done);
          }).ok());

  using Record = std::pair<std::string, std::string>;  // action, target
  std::vector<Record> recorded;
  for (const testing::AuditEntry& entry : audit_.entries()) {
    CHECK(entry.actor == "user:admin");
    recorded.emplace_back(entry.action, entry.target);
  }
  CHECK(recorded == std::vector<Record>{{"permission_set.create", set->id},
                                        {"access_scope.create", scope->id},
                                        {"role.create", "Pager"},
                                        {"role.update", "Pager"},
                                        {"permission_set.update", set->id},
                                        {"access_scope.update", scope->id},
                                        {"role.delete", "Pager"},
                                        {"permission_set.delete", set->id},
                                        {"access_scope.delete", scope->id}});
  CHECK(audit_.entries()[0].details == nlohmann::json{{"name", "pager"}});
  CHECK(tables_.calls("LoadCatalog") == 9);  // one reload per write
  CHECK(view_.Snapshot()->generation() == tables_.Catalog().generation);
}

TEST_CASE_METHOD(RoleAuthorityFixture,
                 "a write that would let a role grant more than the caller holds is refused and "
                 "leaves no trace") {
  const RoleCatalog before = tables_.Catalog();
  SECTION("a new role") {
    absl::Status refused = CreateRole(Keeper(), Spec("Wider", admin_set_)).status();
    CHECK(refused.code() == absl::StatusCode::kPermissionDenied);
    CHECK(refused.message() ==
          "this change would let roles grant more than the caller holds: role Wider: Alert in "
          "scope Unrestricted (requested READ_WRITE_ACCESS, held READ_ACCESS); Integration in "
          "scope Unrestricted (requested READ_WRITE_ACCESS, held NO_ACCESS)");
  }
  SECTION("a permission set that roles use") {
    absl::Status refused =
        UpdatePermissionSet(Keeper(), alert_read_.id,
                            PermissionSetSpec{"alert-read", "", {{"Alert", Access::kReadWrite}}})
            .status();
    CHECK(refused.code() == absl::StatusCode::kPermissionDenied);
    CHECK(refused.message() ==
          "this change would let roles grant more than the caller holds: role Analyst: Alert in "
          "scope Unrestricted (requested READ_WRITE_ACCESS, held READ_ACCESS)");
  }
  CHECK(tables_.Catalog().generation == before.generation);
  CHECK(view_.Snapshot()->Find("Wider") == nullptr);
  CHECK(view_.Snapshot()->ResolvePermissions({"Analyst"}).at("Alert") == Access::kRead);
  CHECK(tables_.calls("LoadCatalog") == 0);
  CHECK(audit_.entries().empty());

  // What it holds, it may grant.
  REQUIRE(CreateRole(Keeper(), Spec("Reader", alert_read_)).ok());
  CHECK(audit_.entries().size() == 1);
}

TEST_CASE_METHOD(RoleAuthorityFixture,
                 "storage's refusals reach the caller as they are, and record nothing") {
  SECTION("a built-in role") {
    CHECK(DeleteRole(Admin(), kAdminRoleName).code() == absl::StatusCode::kFailedPrecondition);
  }
  SECTION("a permission set in use") {
    CHECK(Call<absl::Status>([&](auto done) {
            authority_.DeletePermissionSet(Admin(), alert_read_.id, done);
          }).code() == absl::StatusCode::kFailedPrecondition);
  }
  SECTION("a name taken") {
    CHECK(CreateRole(Admin(), Spec("Analyst", alert_read_)).status().code() ==
          absl::StatusCode::kAlreadyExists);
  }
  SECTION("an unknown permission set") {
    CHECK(
        UpdatePermissionSet(Admin(), kUnknownId, PermissionSetSpec{"x", "", {}}).status().code() ==
        absl::StatusCode::kNotFound);
  }
  SECTION("the database is away") {
    tables_.FailNext(absl::UnavailableError("database unavailable"), "CreateRole");
    absl::Status refused = CreateRole(Admin(), Spec("Responder", alert_read_)).status();
    CHECK(refused.code() == absl::StatusCode::kUnavailable);
    CHECK(refused.message() == "database unavailable");
  }
  CHECK(tables_.calls("LoadCatalog") == 0);
  CHECK(audit_.entries().empty());
}

TEST_CASE_METHOD(RoleAuthorityFixture,
                 "a committed write is answered OK even when the view cannot be reloaded") {
  tables_.FailNext(absl::UnavailableError("database unavailable"), "LoadCatalog");
  absl::StatusOr<Role> created = CreateRole(Admin(), Spec("Responder", alert_read_));
  REQUIRE(created.ok());
  CHECK(created->name == "Responder");
  CHECK(audit_.entries().size() == 1);
  // The next reload (a reconcile, the next write) brings the view up to date.
  CHECK(view_.Snapshot()->Find("Responder") == nullptr);
  REQUIRE(Call<absl::Status>([&](auto done) { authority_.RefreshView(done); }).ok());
  CHECK(view_.Snapshot()->Find("Responder") != nullptr);
}

TEST_CASE_METHOD(RoleAuthorityFixture, "reads answer what storage holds and record nothing") {
  absl::StatusOr<std::vector<Role>> roles =
      Call<absl::StatusOr<std::vector<Role>>>([&](auto done) { authority_.ListRoles(done); });
  REQUIRE(roles.ok());
  REQUIRE(roles->size() == 3);
  CHECK((*roles)[1].name == "Analyst");
  CHECK((*roles)[1].permission_set.name == "alert-read");
  absl::StatusOr<Role> ghost =
      Call<absl::StatusOr<Role>>([&](auto done) { authority_.GetRole("Ghost", done); });
  CHECK(ghost.status().code() == absl::StatusCode::kNotFound);
  CHECK(ghost.status().message() == "role Ghost not found");
  absl::StatusOr<std::vector<std::string>> resources =
      Call<absl::StatusOr<std::vector<std::string>>>(
          [&](auto done) { authority_.ListResources(done); });
  REQUIRE(resources.ok());
  CHECK(*resources == std::vector<std::string>{"Access", "Alert", "Integration"});
  CHECK(audit_.entries().empty());
}

}  // namespace
}  // namespace warden
