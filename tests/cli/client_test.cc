// End to end: warden::Client and the documented example against the real server.

#include "client/client.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "tests/cli/cli_fixture.h"
#include "tests/support/free_port.h"
#include "tests/support/subprocess.h"

namespace warden::testing {
namespace {

// Real time and sleeps, recording each wait.
class RecordingEnvironment final : public RetryEnvironment {
 public:
  absl::Time Now() override { return absl::Now(); }
  void Sleep(absl::Duration duration) override {
    {
      absl::MutexLock lock(&mu_);
      sleeps_.push_back(duration);
    }
    absl::SleepFor(duration);
  }
  double UnitRandom() override { return 0.5; }
  size_t sleeps() {
    absl::MutexLock lock(&mu_);
    return sleeps_.size();
  }

 private:
  absl::Mutex mu_;
  std::vector<absl::Duration> sleeps_;
};

std::unique_ptr<Client> MakeClient(const std::string& endpoint, Credentials credentials) {
  ClientOptions options;
  options.endpoint = endpoint;
  options.credentials = std::move(credentials);
  auto client = Client::Create(options);
  REQUIRE(client.ok());
  return *std::move(client);
}

TEST_CASE_METHOD(CliFixture, "Client calls every method with the credentials it was given") {
  auto admin = MakeClient(server_.address(), Credentials::AdminPassword(server_.admin_password()));
  auto me = admin->GetAuthStatus();
  REQUIRE(me.ok());
  CHECK(me->kind() == v1::IDENTITY_KIND_ADMIN);

  v1::GenerateTokenRequest request;
  request.set_name("service");
  request.add_roles("Analyst");
  auto minted = admin->GenerateToken(request);
  REQUIRE(minted.ok());
  const std::string id = minted->metadata().id();

  auto service = MakeClient(server_.address(), Credentials::BearerToken(minted->token()));
  auto self = service->GetAuthStatus();
  REQUIRE(self.ok());
  CHECK(self->id() == id);
  auto validated = service->ValidateToken(minted->token());
  REQUIRE(validated.ok());
  CHECK(validated->name() == "service");
  CHECK(service->GetToken(id)->name() == "service");
  v1::ListTokensRequest list;
  CHECK(service->ListTokens(list)->tokens_size() == 1);
  auto roles = admin->ListAllowedTokenRoles();
  REQUIRE(roles.ok());
  CHECK(std::find(roles->begin(), roles->end(), "Analyst") != roles->end());
  // Analyst may read but not revoke.
  CHECK(service->RevokeToken(id).status().code() == absl::StatusCode::kPermissionDenied);
  auto revoked = admin->RevokeToken(id);
  REQUIRE(revoked.ok());
  CHECK(revoked->revoked());
  CHECK(admin->ValidateToken(minted->token()).status().code() ==
        absl::StatusCode::kUnauthenticated);
  auto anonymous = MakeClient(server_.address(), Credentials());
  CHECK(anonymous->GetAuthStatus().status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(admin->GetToken("not-a-uuid").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Client retries idempotent calls on UNAVAILABLE, never GenerateToken or role writes") {
  ClientOptions options;
  options.endpoint = absl::StrCat("127.0.0.1:", FreeTcpPort());  // nothing listens
  options.timeout = absl::Seconds(5);
  auto channel = CreateWardenChannel(options);
  REQUIRE(channel.ok());
  RecordingEnvironment environment;
  Client client(*channel, options, environment);
  absl::Time start = absl::Now();
  CHECK(client.GetAuthStatus().status().code() == absl::StatusCode::kUnavailable);
  CHECK(environment.sleeps() == 3);  // four attempts
  CHECK(absl::Now() - start < absl::Seconds(4));
  CHECK(client.GenerateToken(v1::GenerateTokenRequest()).status().code() ==
        absl::StatusCode::kUnavailable);
  CHECK(environment.sleeps() == 3);

  // RoleService: reads are retried, writes are not.
  CHECK(client.ListRoles().status().code() == absl::StatusCode::kUnavailable);
  CHECK(environment.sleeps() == 6);
  CHECK(client.GetPermissionSet("x").status().code() == absl::StatusCode::kUnavailable);
  CHECK(environment.sleeps() == 9);
  CHECK(client.CreateRole(v1::Role()).status().code() == absl::StatusCode::kUnavailable);
  CHECK(client.UpdatePermissionSet(v1::PermissionSet()).status().code() ==
        absl::StatusCode::kUnavailable);
  CHECK(client.DeleteAccessScope("x").code() == absl::StatusCode::kUnavailable);
  CHECK(environment.sleeps() == 9);
}

TEST_CASE_METHOD(CliFixture, "Client manages roles, permission sets and scopes") {
  auto admin = MakeClient(server_.address(), Credentials::AdminPassword(server_.admin_password()));
  auto resources = admin->ListResources();
  REQUIRE(resources.ok());
  CHECK(resources->size() == 24);

  v1::PermissionSet set;
  set.set_name("Image Reader");
  (*set.mutable_resource_to_access())["Image"] = v1::ACCESS_LEVEL_READ_ACCESS;
  auto created_set = admin->CreatePermissionSet(set);
  REQUIRE(created_set.ok());
  CHECK(created_set->origin() == v1::ORIGIN_API);
  CHECK(admin->GetPermissionSet(created_set->id())->name() == "Image Reader");
  created_set->set_description("reads images");
  CHECK(admin->UpdatePermissionSet(*created_set)->description() == "reads images");
  CHECK(admin->ListPermissionSets()->size() == 8);

  v1::AccessScope scope;
  scope.set_name("team-a");
  scope.mutable_rules()->add_clusters("prod-eu");
  auto created_scope = admin->CreateAccessScope(scope);
  REQUIRE(created_scope.ok());
  CHECK(admin->GetAccessScope(created_scope->id())->rules().clusters(0) == "prod-eu");
  created_scope->mutable_rules()->add_clusters("prod-us");
  CHECK(admin->UpdateAccessScope(*created_scope)->rules().clusters_size() == 2);
  CHECK(admin->ListAccessScopes()->size() == 2);

  v1::Role role;
  role.set_name("Image Reader");
  role.set_permission_set_id(created_set->id());
  role.set_access_scope_id(created_scope->id());
  auto created_role = admin->CreateRole(role);
  REQUIRE(created_role.ok());
  CHECK(admin->GetRole("Image Reader")->access_scope_id() == created_scope->id());
  role.set_description("within team-a");
  CHECK(admin->UpdateRole(role)->description() == "within team-a");
  CHECK(admin->ListRoles()->size() == 8);
  CHECK(admin->DeleteAccessScope(created_scope->id()).code() ==
        absl::StatusCode::kFailedPrecondition);

  CHECK(admin->DeleteRole("Image Reader").ok());
  CHECK(admin->DeletePermissionSet(created_set->id()).ok());
  CHECK(admin->DeleteAccessScope(created_scope->id()).ok());
  CHECK(admin->GetRole("Image Reader").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("CreateWardenChannel refuses an unreadable CA file") {
  ClientOptions options;
  options.use_tls = true;
  options.ca_file = "/nonexistent/ca.pem";
  auto channel = CreateWardenChannel(options);
  CHECK(channel.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(channel.status().message(), "/nonexistent/ca.pem"));
}

CliResult RunExample(const WardenctlRunner& cli, const std::string& endpoint,
                     const std::string& service_token_file, const std::string& caller_token) {
  return cli.RunProgram(
      {"bash", "-c",
       absl::StrCat("echo '", caller_token, "' | \"", WARDEN_CLIENT_EXAMPLE, "\" ", endpoint)},
      {{"WARDEN_TOKEN_FILE", service_token_file}});
}

TEST_CASE_METHOD(CliFixture, "the documented example validates the tokens its callers present") {
  const std::string service = TokenFile("service", Mint("service", {"Analyst"}).token());
  v1::GenerateTokenResponse caller = Mint("caller", {"Continuous Integration"});

  CliResult allowed = RunExample(cli_, server_.address(), service, caller.token());
  INFO(Describe(allowed));
  CHECK(allowed.exit_code == 0);
  CHECK(allowed.out ==
        absl::StrCat("caller caller (", caller.metadata().id(), ") may read Detection\n"));

  REQUIRE(api_.Revoke(admin_, caller.metadata().id()).ok());
  CliResult refused = RunExample(cli_, server_.address(), service, caller.token());
  INFO(Describe(refused));
  CHECK(refused.exit_code == 2);
  CHECK(refused.out == "refused: UNAUTHENTICATED: token has been revoked\n");
}

}  // namespace
}  // namespace warden::testing
