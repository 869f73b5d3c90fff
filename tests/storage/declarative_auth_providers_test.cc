// The declarative configuration's auth providers, applied by DeclarativeStore (the rest of
// the apply is in declarative_store_test.cc).

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/await.h"
#include "domain/auth_provider.h"
#include "storage/auth_provider_store.h"
#include "tests/storage/blocking_role_stores.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

DeclarativeAuthProviderSpec CorpSpec() {
  DeclarativeAuthProviderSpec spec;
  spec.name = "corp";
  spec.issuer = "https://login.corp.example.com";
  spec.client_id = "warden";
  spec.scopes = {"openid", "groups"};
  spec.rules = {{"groups", "platform", "Platform"}, {"groups", "dev-.*", "Analyst"}};
  spec.minimum_role = "None";
  return spec;
}

// A declarative role Platform (on the built-in Analyst set) and the provider corp granting it.
DeclarativeConfig BaseConfig() {
  DeclarativeConfig config;
  config.roles = {{"Platform", "", "Analyst", ""}};
  config.auth_providers = {CorpSpec()};
  return config;
}

class DeclarativeProviderFixture : public StorageFixture {
 public:
  DeclarativeProviderFixture() : providers_(executor()), declarative_(declarative()) {}

  absl::StatusOr<DeclarativeResult> Apply(const DeclarativeConfig& config) {
    return declarative_.ApplyDeclarative(config, TestEpoch());
  }
  std::map<std::string, AuthProvider> ProvidersByName() {
    auto listed =
        Await<absl::StatusOr<std::vector<AuthProvider>>>([&](auto done) { providers_.List(done); });
    REQUIRE(listed.ok());
    std::map<std::string, AuthProvider> out;
    for (const AuthProvider& provider : *listed) out.emplace(provider.name, provider);
    return out;
  }
  absl::StatusOr<AuthProvider> AddApiProvider(AuthProvider provider) {
    return Await<absl::StatusOr<AuthProvider>>(
        [&](auto done) { providers_.Add(provider, RoleWriter{}, done); });
  }

  AuthProviderStore providers_;
  BlockingDeclarativeStore declarative_;
};

TEST_CASE_METHOD(DeclarativeProviderFixture, "declarative providers are created, kept and removed",
                 "[declarative]") {
  absl::StatusOr<DeclarativeResult> created = Apply(BaseConfig());
  INFO(created.status().ToString());
  REQUIRE(created.ok());
  CHECK(created->auth_providers == DeclarativeChanges{1, 0, 0});
  CHECK(created->roles == DeclarativeChanges{1, 0, 0});
  const AuthProvider corp = ProvidersByName().at("corp");
  CHECK(corp.origin == Origin::kDeclarative);
  CHECK(corp.revision == 1);
  CHECK(corp.issuer == CorpSpec().issuer);
  CHECK(corp.scopes == CorpSpec().scopes);
  CHECK(corp.rules == CorpSpec().rules);
  CHECK(corp.minimum_role == "None");

  absl::StatusOr<DeclarativeResult> again = Apply(BaseConfig());
  REQUIRE(again.ok());
  CHECK(again->total() == 0);
  CHECK(ProvidersByName().at("corp") == corp);

  // Gone from the file: the provider goes, and with it the last user of its role.
  absl::StatusOr<DeclarativeResult> removed = Apply(DeclarativeConfig{});
  INFO(removed.status().ToString());
  REQUIRE(removed.ok());
  CHECK(removed->auth_providers == DeclarativeChanges{0, 0, 1});
  CHECK(removed->roles == DeclarativeChanges{0, 0, 1});
  CHECK(ProvidersByName().empty());
}

TEST_CASE_METHOD(DeclarativeProviderFixture,
                 "a changed declarative provider gets a new revision only when sessions may lose "
                 "a role",
                 "[declarative]") {
  REQUIRE(Apply(BaseConfig()).ok());
  DeclarativeConfig config = BaseConfig();
  auto apply = [&]() -> int64_t {
    absl::StatusOr<DeclarativeResult> result = Apply(config);
    INFO(result.status().ToString());
    REQUIRE(result.ok());
    CHECK(result->auth_providers == DeclarativeChanges{0, 1, 0});
    const AuthProvider stored = ProvidersByName().at("corp");
    CHECK(stored.rules == config.auth_providers[0].rules);
    CHECK(stored.client_secret_file == config.auth_providers[0].client_secret_file);
    return stored.revision;
  };
  config.auth_providers[0].rules.push_back({"groups", "ops", "Analyst"});
  CHECK(apply() == 1);
  config.auth_providers[0].client_secret_file = "/etc/warden/secret";
  CHECK(apply() == 1);
  config.auth_providers[0].rules.erase(config.auth_providers[0].rules.begin());
  CHECK(apply() == 2);
  config.auth_providers[0].minimum_role = "Analyst";
  CHECK(apply() == 3);
}

TEST_CASE_METHOD(DeclarativeProviderFixture,
                 "a renamed declarative provider may keep its issuer and client id",
                 "[declarative]") {
  const std::string old_id = [&] {
    REQUIRE(Apply(BaseConfig()).ok());
    return ProvidersByName().at("corp").id;
  }();
  DeclarativeConfig config = BaseConfig();
  config.auth_providers[0].name = "corp-sso";
  absl::StatusOr<DeclarativeResult> result = Apply(config);
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  CHECK(result->auth_providers == DeclarativeChanges{1, 0, 1});
  const std::map<std::string, AuthProvider> now = ProvidersByName();
  REQUIRE(now.size() == 1);
  CHECK(now.at("corp-sso").id != old_id);  // a new provider: the old one's sessions end
}

TEST_CASE_METHOD(DeclarativeProviderFixture,
                 "declarative providers need existing declarative or built-in roles",
                 "[declarative]") {
  REQUIRE(Apply(BaseConfig()).ok());
  const AuthProvider before = ProvidersByName().at("corp");
  auto api_role = Await<absl::StatusOr<Role>>([&](auto done) {
    roles().CreateRole(
        {"Hand made", "", "b0b0b0b0-0000-4000-8000-000000000002", kUnrestrictedScopeId},
        RoleWriter{}, done);
  });
  REQUIRE(api_role.ok());

  DeclarativeConfig config = BaseConfig();
  config.auth_providers[0].rules.push_back({"groups", "x", "Wizard"});
  config.auth_providers[0].minimum_role = "Hand made";
  absl::StatusOr<DeclarativeResult> refused = Apply(config);
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(refused.status().message()),
             Catch::Contains("auth provider corp names unknown role Wizard") &&
                 Catch::Contains("auth provider corp names role Hand made, which is managed "
                                 "through the API"));
  CHECK(ProvidersByName().at("corp") == before);
}

TEST_CASE_METHOD(DeclarativeProviderFixture,
                 "a declarative provider cannot take an API provider's name or client",
                 "[declarative]") {
  AuthProvider api;
  api.name = "corp";
  api.issuer = "https://other.example.com";
  api.client_id = "x";
  REQUIRE(AddApiProvider(api).ok());
  absl::StatusOr<DeclarativeResult> name_taken = Apply(BaseConfig());
  CHECK(name_taken.status().code() == StatusCode::kFailedPrecondition);
  CHECK(name_taken.status().message() ==
        "declarative configuration: auth provider corp already exists and is not declarative");

  DeclarativeConfig config = BaseConfig();
  config.auth_providers[0].name = "gitops";
  config.auth_providers[0].issuer = api.issuer;
  config.auth_providers[0].client_id = api.client_id;
  absl::StatusOr<DeclarativeResult> client_taken = Apply(config);
  CHECK(client_taken.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(client_taken.status().message()),
             Catch::Contains("auth provider corp already uses issuer https://other.example.com"));
  CHECK(ProvidersByName().size() == 1);
  CHECK(BlockingRoleStore(roles()).GetRole("Platform").status().code() == StatusCode::kNotFound);

  DeclarativeConfig twice = BaseConfig();
  twice.auth_providers.push_back(CorpSpec());
  twice.auth_providers[1].name = "corp-2";
  CHECK(Apply(twice).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE_METHOD(DeclarativeProviderFixture,
                 "a declarative role still used by a provider is not removed", "[declarative]") {
  REQUIRE(Apply(BaseConfig()).ok());
  AuthProvider api;
  api.name = "api-made";
  api.issuer = "https://other.example.com";
  api.client_id = "x";
  api.rules = {{"groups", "p", "Platform"}};
  REQUIRE(AddApiProvider(api).ok());

  DeclarativeConfig without_role;
  absl::StatusOr<DeclarativeResult> refused = Apply(without_role);
  CHECK(refused.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(refused.status().message()),
             Catch::Contains("role Platform is used by the rules or minimum role of auth "
                             "providers api-made"));
  CHECK(ProvidersByName().count("corp") == 1);  // rolled back whole
}

}  // namespace
}  // namespace warden::storage::testing
