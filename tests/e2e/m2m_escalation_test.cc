// End to end: the M2M escalation paths, each run as an attacker would —
// mappings beyond the caller (item 2), short-lived identities minting long-lived tokens
// (item 3), exchanged tokens outliving a fixed mapping or a revocation (item 5), and a
// hanging issuer holding gRPC threads (item 11).

#include <catch2/catch.hpp>
#include <future>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "tests/e2e/m2m_fixture.h"
#include "tests/e2e/role_client.h"

namespace warden::testing {
namespace {

using oidc::testing::Json;
using oidc::testing::MakeKey;
using oidc::testing::TestKey;

class M2mEscalationFixture : public M2mFixture {
 public:
  M2mEscalationFixture() : roles_(server_.channel()) {}

  // A role granting `access`, made by the admin.
  void MakeRole(const std::string& name, const std::map<std::string, v1::AccessLevel>& access) {
    auto set = roles_.CreatePermissionSet(admin_, name + " set", access);
    REQUIRE(set.ok());
    REQUIRE(roles_.CreateRole(admin_, name, set.response.permission_set().id()).ok());
  }

  // A token of the admin's with the given roles.
  std::string TokenWith(const std::vector<std::string>& role_names) {
    auto minted = api_.Generate(admin_, "holder", role_names);
    REQUIRE(minted.ok());
    return Bearer(minted.response.token());
  }

  // The config's mapping rewritten to grant `role` to every subject.
  v1::AuthMachineToMachineConfig EveryoneGets(const std::string& role) const {
    v1::AuthMachineToMachineConfig config = Config();
    config.clear_mappings();
    auto* mapping = config.add_mappings();
    mapping->set_key("sub");
    mapping->set_value_expression(".*");
    mapping->set_role(role);
    return config;
  }

  RoleClient roles_;
};

TEST_CASE_METHOD(M2mEscalationFixture,
                 "an M2M mapping cannot grant a role beyond the caller, and nothing is fetched") {
  MakeRole("Role Manager", {{"Access", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}});
  const std::string manager = TokenWith({"Role Manager"});

  auto added = Add(EveryoneGets("Admin"), manager);
  CHECK(added.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(added.message(), Catch::Contains("role Admin"));
  CHECK(issuer_.jwks_fetches() == 0);  // refused before the issuer was contacted

  // An existing configuration (the admin's) cannot be pointed at Admin either.
  auto admins = Add(Config());
  REQUIRE(admins.ok());
  v1::AuthMachineToMachineConfig raised = EveryoneGets("Admin");
  raised.set_id(admins.response.config().id());
  auto updated = Update(raised, manager);
  CHECK(updated.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(Exchange(issuer_.IdToken({{"repository", "none"}})).code() ==
        grpc::StatusCode::UNAUTHENTICATED);  // the mapping was not stored

  // Within the caller's own permissions, a mapping is fine.
  v1::AuthMachineToMachineConfig modest = EveryoneGets("Role Manager");
  modest.set_id(admins.response.config().id());
  CHECK(Update(modest, manager).ok());
}

TEST_CASE_METHOD(M2mEscalationFixture,
                 "a short-lived M2M identity cannot mint a token that outlives it") {
  MakeRole("Minter", {{"Access", v1::ACCESS_LEVEL_READ_ACCESS},
                      {"Integration", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}});
  REQUIRE(Add(EveryoneGets("Minter")).ok());
  const absl::Time id_token_expiry = absl::Now() + absl::Minutes(5);
  const std::string id_token = issuer_.IdToken({{"exp", absl::ToUnixSeconds(id_token_expiry)}});

  SECTION("an ID token used directly") {
    auto minted = api_.Generate(Bearer(id_token), "from ci", {"Minter"});
    INFO(minted.message());
    REQUIRE(minted.ok());  // before: a one-year token
    CHECK(minted.response.metadata().expiration().seconds() <=
          absl::ToUnixSeconds(id_token_expiry));
    auto year = api_.Generate(Bearer(id_token), "for a year", {"Minter"},
                              absl::Now() + absl::Hours(24 * 300));
    CHECK(year.code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(year.message(), Catch::Contains("cannot outlive it"));

    // Nor can a token it minted mint a longer-lived one (the bound is inherited).
    auto grandchild = api_.Generate(Bearer(minted.response.token()), "grandchild", {"Minter"});
    REQUIRE(grandchild.ok());
    CHECK(grandchild.response.metadata().expiration().seconds() <=
          absl::ToUnixSeconds(id_token_expiry));
  }
  SECTION("an exchanged token") {
    auto exchanged = Exchange(id_token);
    REQUIRE(exchanged.ok());
    auto minted = api_.Generate(Bearer(exchanged.response.access_token()), "from ci", {"Minter"});
    INFO(minted.message());
    REQUIRE(minted.ok());
    CHECK(minted.response.metadata().expiration().seconds() <=
          exchanged.response.expiration().seconds());
  }
}

TEST_CASE_METHOD(M2mEscalationFixture,
                 "fixing a mapping ends the tokens exchanged through it, and they can be revoked") {
  auto added = Add(EveryoneGets("Analyst"));
  REQUIRE(added.ok());
  const std::string id_token = issuer_.IdToken(Json::object());
  auto before = Exchange(id_token);
  REQUIRE(before.ok());
  const std::string exchanged = Bearer(before.response.access_token());
  REQUIRE(api_.AuthStatus(exchanged).ok());

  // The over-broad mapping is fixed: the token exchanged under it stops working at once.
  v1::AuthMachineToMachineConfig fixed = Config();
  fixed.set_id(added.response.config().id());
  REQUIRE(Update(fixed).ok());
  auto refused = api_.AuthStatus(exchanged);
  CHECK(refused.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(refused.message(), Catch::Contains("has changed since"));

  // A new exchange under the fixed mappings works, is listed, and can be revoked by id.
  auto after = Exchange(issuer_.IdToken({{"repository", "org/repo"}}));
  REQUIRE(after.ok());
  const std::string token = Bearer(after.response.access_token());
  auto who = api_.AuthStatus(token);
  REQUIRE(who.ok());
  const std::string id = who.response.identity().id();
  auto got = api_.Get(admin_, id);
  REQUIRE(got.ok());
  CHECK(got.response.token().roles(0) == "Continuous Integration");
  auto revoked = api_.Revoke(admin_, id);
  INFO(revoked.message());
  REQUIRE(revoked.ok());  // before: NOT_FOUND, exchanged tokens were not recorded
  auto dead = api_.AuthStatus(token);
  CHECK(dead.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(dead.message() == "token has been revoked");
}

TEST_CASE_METHOD(M2mEscalationFixture,
                 "callers whose issuer hangs do not hold up anybody else's calls") {
  REQUIRE(Add(Config()).ok());
  // A fresh start: no keys cached, so an ID token sends the server to the issuer.
  server_.Stop();
  server_.Start();
  issuer_.Stall();
  std::vector<std::future<grpc::StatusCode>> hanging;
  for (int i = 0; i < 24; ++i) {
    TestKey key = MakeKey(jose::JwsAlgorithm::kEs256, NewUuidV4());
    const std::string id_token = issuer_.IdToken({{"repository", "org/repo"}}, &key);
    hanging.push_back(std::async(
        std::launch::async, [this, id_token] { return api_.AuthStatus(Bearer(id_token)).code(); }));
  }
  REQUIRE(issuer_.AwaitHeldRequest(absl::Seconds(10)));
  // Meanwhile the admin is served as usual, well within the issuer's hang.
  v1::GetAuthStatusRequest request;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  context.AddMetadata("authorization", admin_);
  v1::GetAuthStatusResponse response;
  grpc::Status status = stub_->GetAuthStatus(&context, request, &response);
  CHECK(status.ok());
  CHECK(response.identity().name() == "admin");
  issuer_.Release();
  for (auto& call : hanging) CHECK(call.get() == grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace warden::testing
