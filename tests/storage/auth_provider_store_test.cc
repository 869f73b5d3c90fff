#include "storage/auth_provider_store.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/await.h"
#include "common/random.h"
#include "tests/storage/notice_listener.h"
#include "tests/storage/race_support.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

AuthProvider Corp() {
  AuthProvider provider;
  provider.name = "corp";
  provider.issuer = "https://login.corp.example.com";
  provider.client_id = "warden";
  provider.client_secret_file = "/etc/warden/corp-secret";
  provider.scopes = {"openid", "email", "groups"};
  provider.name_claim = "email";
  provider.rules = {{"groups", "platform", "Admin"}, {"groups", "dev-.*", "Analyst"}};
  provider.minimum_role = "None";
  return provider;
}

class ProviderFixture : public StorageFixture {
 public:
  ProviderFixture() : store_(executor()) {}

  absl::StatusOr<AuthProvider> Add(AuthProvider provider, RoleWriter writer = {}) {
    return Await<absl::StatusOr<AuthProvider>>(
        [&](auto done) { store_.Add(provider, writer, done); });
  }
  absl::StatusOr<AuthProvider> Update(AuthProvider provider, RoleWriter writer = {}) {
    return Await<absl::StatusOr<AuthProvider>>(
        [&](auto done) { store_.Update(provider, writer, done); });
  }
  absl::StatusOr<AuthProvider> GetProvider(const std::string& id) {
    return Await<absl::StatusOr<AuthProvider>>([&](auto done) { store_.Get(id, done); });
  }
  absl::StatusOr<std::vector<AuthProvider>> ListProviders() {
    return Await<absl::StatusOr<std::vector<AuthProvider>>>([&](auto done) { store_.List(done); });
  }
  absl::Status Delete(const std::string& id) {
    return Await<absl::Status>([&](auto done) { store_.Delete(id, done); });
  }
  absl::Status DeleteRole(const std::string& name) {
    return Await<absl::Status>([&](auto done) { roles().DeleteRole(name, TestEpoch(), done); });
  }
  // A custom role named `name` that nothing else uses, on the built-in Analyst set.
  void CreateRole(const std::string& name) {
    auto role = Await<absl::StatusOr<Role>>([&](auto done) {
      roles().CreateRole({name, "", "b0b0b0b0-0000-4000-8000-000000000002", kUnrestrictedScopeId},
                         RoleWriter{}, done);
    });
    REQUIRE(role.ok());
  }

  AuthProviderStore store_;
};

TEST_CASE_METHOD(ProviderFixture, "a provider round-trips with its rules in order",
                 "[auth_provider_store]") {
  absl::StatusOr<AuthProvider> added = Add(Corp());
  INFO(added.status().ToString());
  REQUIRE(added.ok());
  CHECK(IsUuid(added->id));
  CHECK(added->revision == 1);
  CHECK(added->origin == Origin::kApi);

  AuthProvider expected = Corp();
  expected.id = added->id;
  CHECK(*added == expected);
  absl::StatusOr<AuthProvider> got = GetProvider(added->id);
  REQUIRE(got.ok());
  CHECK(*got == expected);

  AuthProvider public_client = Corp();
  public_client.name = "another";
  public_client.client_id = "other-client";
  public_client.client_secret_file.clear();
  public_client.scopes.clear();
  public_client.name_claim.clear();
  public_client.rules.clear();
  public_client.minimum_role.clear();  // None, stored as NULL
  absl::StatusOr<AuthProvider> second = Add(public_client);
  REQUIRE(second.ok());
  public_client.id = second->id;
  absl::StatusOr<std::vector<AuthProvider>> listed = ListProviders();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0] == public_client);  // ordered by name
  CHECK((*listed)[1] == expected);
}

TEST_CASE_METHOD(ProviderFixture, "the revision rises only when sessions may lose a role",
                 "[auth_provider_store]") {
  absl::StatusOr<AuthProvider> added = Add(Corp());
  REQUIRE(added.ok());
  AuthProvider provider = *added;

  auto update = [&](const std::function<void(AuthProvider&)>& change) -> int64_t {
    change(provider);
    absl::StatusOr<AuthProvider> updated = Update(provider);
    INFO(updated.status().ToString());
    REQUIRE(updated.ok());
    absl::StatusOr<AuthProvider> stored = GetProvider(provider.id);
    REQUIRE(stored.ok());
    CHECK(stored->revision == updated->revision);
    CHECK(stored->rules == provider.rules);
    provider = *stored;
    return stored->revision;
  };

  SECTION("adding a rule, or changing the secret or scopes, keeps the sessions") {
    CHECK(update([](AuthProvider& p) { p.rules.push_back({"groups", "ops", "Analyst"}); }) == 1);
    CHECK(update([](AuthProvider& p) { p.client_secret_file = "/other"; }) == 1);
    CHECK(update([](AuthProvider& p) { p.scopes = {"openid"}; }) == 1);
    CHECK(update([](AuthProvider& p) { std::swap(p.rules[0], p.rules[1]); }) == 1);
  }
  SECTION("removing or changing a rule ends them") {
    CHECK(update([](AuthProvider& p) { p.rules.pop_back(); }) == 2);
    CHECK(update([](AuthProvider& p) { p.rules[0].value_expression = "platform-.*"; }) == 3);
    CHECK(update([](AuthProvider& p) { p.rules[0].role = "Analyst"; }) == 4);
  }
  SECTION("another minimum role, issuer, client or name claim ends them") {
    CHECK(update([](AuthProvider& p) { p.minimum_role = "Analyst"; }) == 2);
    CHECK(update([](AuthProvider& p) { p.minimum_role.clear(); }) == 3);
    CHECK(update([](AuthProvider& p) { p.issuer = "https://new.corp.example.com"; }) == 4);
    CHECK(update([](AuthProvider& p) { p.client_id = "warden-2"; }) == 5);
    CHECK(update([](AuthProvider& p) { p.name_claim = "sub"; }) == 6);
  }
}

TEST_CASE_METHOD(ProviderFixture, "update keeps the name, and knows its ids",
                 "[auth_provider_store]") {
  absl::StatusOr<AuthProvider> added = Add(Corp());
  REQUIRE(added.ok());
  AuthProvider renamed = *added;
  renamed.name = "corp-2";
  absl::StatusOr<AuthProvider> refused = Update(renamed);
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(refused.status().message() == "an auth provider's name cannot change");
  CHECK(GetProvider(added->id)->name == "corp");

  const std::string unknown = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";
  AuthProvider missing = Corp();
  missing.id = unknown;
  absl::StatusOr<AuthProvider> not_found = Update(missing);
  CHECK(not_found.status().code() == StatusCode::kNotFound);
  CHECK(not_found.status().message() == "auth provider " + unknown + " not found");
  CHECK(GetProvider(unknown).status().code() == StatusCode::kNotFound);
  CHECK(Delete(unknown).code() == StatusCode::kNotFound);
  CHECK(GetProvider("nope").status().code() == StatusCode::kInvalidArgument);
  CHECK(Delete("nope").code() == StatusCode::kInvalidArgument);

  REQUIRE(Delete(added->id).ok());
  CHECK(GetProvider(added->id).status().code() == StatusCode::kNotFound);
  CHECK(ListProviders()->empty());
}

TEST_CASE_METHOD(ProviderFixture, "names and issuer+client pairs are unique",
                 "[auth_provider_store]") {
  absl::StatusOr<AuthProvider> corp = Add(Corp());
  REQUIRE(corp.ok());

  AuthProvider same_name = Corp();
  same_name.client_id = "other";
  absl::Status name_taken = Add(same_name).status();
  CHECK(name_taken.code() == StatusCode::kAlreadyExists);
  CHECK(name_taken.message() == "an auth provider named corp already exists");

  AuthProvider same_client = Corp();
  same_client.name = "corp-copy";
  absl::Status client_taken = Add(same_client).status();
  CHECK(client_taken.code() == StatusCode::kAlreadyExists);
  CHECK(client_taken.message() ==
        "auth provider corp already uses issuer https://login.corp.example.com with client id "
        "warden");

  // The same issuer with another client is another provider; it cannot move onto corp's.
  AuthProvider other_client = Corp();
  other_client.name = "corp-cli";
  other_client.client_id = "warden-cli";
  absl::StatusOr<AuthProvider> cli = Add(other_client);
  REQUIRE(cli.ok());
  cli->client_id = "warden";
  CHECK(Update(*cli).status().code() == StatusCode::kAlreadyExists);
  CHECK(ListProviders()->size() == 2);
}

TEST_CASE_METHOD(ProviderFixture, "rules and the minimum role must name existing roles",
                 "[auth_provider_store]") {
  AuthProvider unknown = Corp();
  unknown.rules.push_back({"groups", "x", "Wizard"});
  unknown.minimum_role = "Apprentice";
  absl::Status refused = Add(unknown).status();
  CHECK(refused.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(refused.message()), Catch::Contains("Apprentice, Wizard"));
  CHECK(ListProviders()->empty());

  absl::StatusOr<AuthProvider> added = Add(Corp());
  REQUIRE(added.ok());
  AuthProvider changed = *added;
  changed.rules[1].role = "Wizard";
  absl::Status on_update = Update(changed).status();
  CHECK(on_update.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(on_update.message()), Catch::Contains("Wizard"));
  CHECK(GetProvider(added->id)->rules == Corp().rules);
}

TEST_CASE_METHOD(ProviderFixture, "the writer's check sees the granted roles and can refuse",
                 "[auth_provider_store]") {
  std::vector<std::string> seen_held;
  std::vector<std::string> seen_granted;
  RoleWriter writer;
  writer.roles = {"Analyst"};
  writer.check = [&](const std::vector<Role>& held, const std::vector<Role>& granted) {
    seen_held.clear();
    seen_granted.clear();
    for (const Role& role : held) seen_held.push_back(role.name);
    for (const Role& role : granted) seen_granted.push_back(role.name);
    for (const Role& role : granted) {
      if (role.name == "Admin") return absl::PermissionDeniedError("Admin is beyond you");
    }
    return absl::OkStatus();
  };

  absl::Status refused = Add(Corp(), writer).status();
  CHECK(refused.code() == StatusCode::kPermissionDenied);
  CHECK(seen_held == std::vector<std::string>{"Analyst"});
  CHECK(seen_granted == std::vector<std::string>{"Admin", "Analyst", "None"});
  CHECK(ListProviders()->empty());

  AuthProvider modest = Corp();
  modest.rules = {{"groups", "dev", "Analyst"}};
  absl::StatusOr<AuthProvider> added = Add(modest, writer);
  REQUIRE(added.ok());
  AuthProvider escalating = *added;
  escalating.rules.push_back({"groups", "root", "Admin"});
  CHECK(Update(escalating, writer).status().code() == StatusCode::kPermissionDenied);
  CHECK(GetProvider(added->id)->rules == modest.rules);
}

TEST_CASE_METHOD(ProviderFixture, "a role a provider grants cannot be deleted, naming it",
                 "[auth_provider_store]") {
  CreateRole("Platform");
  CreateRole("Everyone");
  AuthProvider corp = Corp();
  corp.rules.push_back({"groups", "platform", "Platform"});
  absl::StatusOr<AuthProvider> first = Add(corp);
  REQUIRE(first.ok());
  AuthProvider other = Corp();
  other.name = "alpha";
  other.client_id = "alpha";
  other.rules = {{"groups", "p", "Platform"}};
  other.minimum_role = "Everyone";
  absl::StatusOr<AuthProvider> second = Add(other);
  REQUIRE(second.ok());

  absl::Status by_rule = DeleteRole("Platform");
  CHECK(by_rule.code() == StatusCode::kFailedPrecondition);
  CHECK(by_rule.message() ==
        "role Platform is used by the rules or minimum role of auth providers alpha, corp");
  absl::Status by_minimum = DeleteRole("Everyone");
  CHECK(by_minimum.code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(by_minimum.message()), Catch::Contains("alpha"));

  REQUIRE(Delete(second->id).ok());
  CHECK(DeleteRole("Everyone").ok());
  REQUIRE(Delete(first->id).ok());
  CHECK(DeleteRole("Platform").ok());
}

TEST_CASE_METHOD(ProviderFixture, "an add behind a role delete in progress waits, then fails",
                 "[auth_provider_store][race]") {
  CreateRole("Doomed");
  pqxx::connection observer(url());
  // What DeleteRole does, held open: the roles write lock, the role locked and deleted.
  pqxx::connection deleter(url());
  pqxx::work deleting(deleter);
  deleting.exec1("SELECT warden_begin_role_write()");
  deleting.exec1("SELECT origin FROM roles WHERE name = 'Doomed' FOR UPDATE");
  deleting.exec0("DELETE FROM roles WHERE name = 'Doomed'");

  AuthProvider provider = Corp();
  provider.rules.push_back({"groups", "x", "Doomed"});
  std::future<absl::StatusOr<AuthProvider>> added = CallbackFuture<absl::StatusOr<AuthProvider>>(
      [&](auto done) { store_.Add(provider, RoleWriter{}, done); });
  AwaitLockWait(observer);
  deleting.commit();

  REQUIRE(added.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  absl::Status status = added.get().status();
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Catch::Contains("Doomed"));
  CHECK(ListProviders()->empty());
}

TEST_CASE_METHOD(ProviderFixture, "a declarative provider is read-only through the store",
                 "[auth_provider_store]") {
  DeclarativeConfig config;
  DeclarativeAuthProviderSpec spec;
  spec.name = "gitops";
  spec.issuer = "https://login.example.com";
  spec.client_id = "warden";
  spec.rules = {{"groups", "dev", "Analyst"}};
  config.auth_providers = {spec};
  auto applied = Await<absl::StatusOr<DeclarativeResult>>(
      [&](auto done) { declarative().ApplyDeclarative(config, TestEpoch(), done); });
  INFO(applied.status().ToString());
  REQUIRE(applied.ok());
  absl::StatusOr<std::vector<AuthProvider>> listed = ListProviders();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  AuthProvider gitops = listed->front();
  CHECK(gitops.origin == Origin::kDeclarative);

  gitops.scopes = {"openid"};
  absl::Status updated = Update(gitops).status();
  CHECK(updated.code() == StatusCode::kFailedPrecondition);
  CHECK(updated.message() == "auth provider gitops is managed by the declarative configuration");
  absl::Status deleted = Delete(gitops.id);
  CHECK(deleted.code() == StatusCode::kFailedPrecondition);
  CHECK(deleted.message() == "auth provider gitops is managed by the declarative configuration");
  CHECK(ListProviders()->size() == 1);
}

TEST_CASE_METHOD(ProviderFixture, "every change notifies the channel with the provider's id",
                 "[auth_provider_store]") {
  pqxx::connection conn(url());
  NoticeListener listener(conn, AuthProviderStore::kChangeChannel);
  conn.get_notifs();  // makes sure LISTEN has been sent
  auto wait_for = [&](size_t n) {
    for (int i = 0; i < 50 && listener.payloads.size() < n; ++i) {
      conn.await_notification(0, 100'000);
    }
  };

  absl::StatusOr<AuthProvider> added = Add(Corp());
  REQUIRE(added.ok());
  wait_for(1);
  CHECK(listener.payloads == std::vector<std::string>{added->id});  // one per transaction
  AuthProvider changed = *added;
  changed.rules.pop_back();
  REQUIRE(Update(changed).ok());
  wait_for(2);
  REQUIRE(Delete(added->id).ok());
  wait_for(3);
  CHECK(listener.payloads == std::vector<std::string>(3, added->id));
}

}  // namespace
}  // namespace warden::storage::testing
