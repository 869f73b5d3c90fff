// End to end: warden::LocalValidator (client/local_validator.h) against the real server:
// the same answers as AuthService.ValidateToken, from memory, kept current by
// AuthService.WatchRevocations through revocations, role edits and a server restart.

#include "client/local_validator.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "common/random.h"
#include "tests/cli/cli_fixture.h"
#include "tests/e2e/role_client.h"
#include "validation/jose/jwt.h"

namespace warden::testing {
namespace {

ClientOptions AdminOptions(const WardenProcess& server) {
  ClientOptions options;
  options.endpoint = server.address();
  options.credentials = Credentials::AdminPassword(server.admin_password());
  return options;
}

std::unique_ptr<LocalValidator> StartValidator(const WardenProcess& server,
                                               LocalValidatorOptions local = {}) {
  auto validator = LocalValidator::Start(AdminOptions(server), local);
  INFO(validator.status().ToString());
  REQUIRE(validator.ok());
  return *std::move(validator);
}

// Polls `check` until it returns `wanted`, for at most `limit`; how long that took, or nullopt.
template <typename Check>
std::optional<absl::Duration> TimeUntil(bool wanted, Check check, absl::Duration limit) {
  const absl::Time start = absl::Now();
  while (absl::Now() - start < limit) {
    if (check() == wanted) return absl::Now() - start;
  }
  return std::nullopt;
}

TEST_CASE_METHOD(CliFixture, "GetPublicKeys publishes the verification keys as a JWKS") {
  auto client = Client::Create(AdminOptions(server_));
  REQUIRE(client.ok());
  v1::GetPublicKeysResponse keys;
  grpc::ClientContext context;  // no credentials: the keys are public
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto stub = v1::AuthService::NewStub(server_.channel());
  REQUIRE(stub->GetPublicKeys(&context, v1::GetPublicKeysRequest(), &keys).ok());
  nlohmann::json jwks = nlohmann::json::parse(keys.jwks());
  REQUIRE(jwks["keys"].is_array());
  REQUIRE(jwks["keys"].size() >= 1);
  for (const nlohmann::json& key : jwks["keys"]) {
    CHECK(key.contains("kid"));
    CHECK(key["use"] == "sig");
    CHECK_FALSE(key.contains("d"));  // never the private part
  }
  CHECK_FALSE(keys.issuer().empty());
  CHECK_FALSE(keys.audience().empty());
}

TEST_CASE_METHOD(CliFixture,
                 "LocalValidator answers as ValidateToken does, and honours revocations") {
  auto local = StartValidator(server_);
  auto remote = Client::Create(AdminOptions(server_));
  REQUIRE(remote.ok());
  const v1::GenerateTokenResponse minted = Mint("local", {"Analyst"});

  absl::StatusOr<v1::Identity> here = local->Validate(minted.token());
  absl::StatusOr<v1::Identity> there = (*remote)->ValidateToken(minted.token());
  INFO(here.status().ToString());
  REQUIRE(here.ok());
  REQUIRE(there.ok());
  CHECK(here->DebugString() == there->DebugString());

  std::string tampered = minted.token();
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {std::string("not-a-token"), tampered}) {
    absl::Status local_status = local->Validate(bad).status();
    absl::Status remote_status = (*remote)->ValidateToken(bad).status();
    CHECK(local_status.code() == absl::StatusCode::kUnauthenticated);
    CHECK(local_status == remote_status);  // the same code and reason
  }

  // Revocations already made before the watch started come with the full state.
  const v1::GenerateTokenResponse early = Mint("revoked-early", {"Analyst"});
  REQUIRE(api_.Revoke(admin_, early.metadata().id()).ok());
  auto second = StartValidator(server_);
  CHECK(second->Validate(early.token()).status().code() == absl::StatusCode::kUnauthenticated);

  // A revocation made now reaches both watchers within the fleet bound.
  REQUIRE(api_.Revoke(admin_, minted.metadata().id()).ok());
  auto lag = TimeUntil(
      false, [&] { return local->Validate(minted.token()).ok(); }, absl::Seconds(5));
  REQUIRE(lag.has_value());
  CHECK(*lag < absl::Seconds(1));
  absl::Status revoked = local->Validate(minted.token()).status();
  CHECK(revoked.code() == absl::StatusCode::kUnauthenticated);
  CHECK(absl::StrContains(revoked.message(), "revoked"));
  CHECK(local->stats().resets == 1);
}

TEST_CASE_METHOD(CliFixture, "LocalValidator follows role edits") {
  RoleClient roles(server_.channel());
  auto set = roles.CreatePermissionSet(admin_, "Watched",
                                       {{"Integration", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}});
  REQUIRE(set.ok());
  REQUIRE(roles.CreateRole(admin_, "Watched", set.response.permission_set().id()).ok());
  auto local = StartValidator(server_);
  const v1::GenerateTokenResponse minted = Mint("watched", {"Watched"});
  auto level = [&] {
    absl::StatusOr<v1::Identity> identity = local->Validate(minted.token());
    if (!identity.ok()) return v1::ACCESS_LEVEL_UNSPECIFIED;
    auto it = identity->permissions().find("Integration");
    return it == identity->permissions().end() ? v1::ACCESS_LEVEL_NO_ACCESS : it->second;
  };
  REQUIRE(level() == v1::ACCESS_LEVEL_READ_WRITE_ACCESS);
  // Presented again under the same roles, a token gets the very answer it got before.
  absl::StatusOr<std::shared_ptr<const v1::Identity>> shared =
      local->ValidateShared(minted.token());
  REQUIRE(shared.ok());
  CHECK(local->ValidateShared(minted.token()).value() == *shared);
  CHECK((*shared)->DebugString() == local->Validate(minted.token())->DebugString());

  v1::UpdatePermissionSetRequest update;
  *update.mutable_permission_set() = set.response.permission_set();
  (*update.mutable_permission_set()->mutable_resource_to_access())["Integration"] =
      v1::ACCESS_LEVEL_READ_ACCESS;
  REQUIRE(roles.Call(&v1::RoleService::Stub::UpdatePermissionSet, admin_, update).ok());
  CHECK(TimeUntil(
            true, [&] { return level() == v1::ACCESS_LEVEL_READ_ACCESS; }, absl::Seconds(5))
            .has_value());
  // The shared answer follows the edit too; the one handed out before is left as it was.
  absl::StatusOr<std::shared_ptr<const v1::Identity>> edited =
      local->ValidateShared(minted.token());
  REQUIRE(edited.ok());
  CHECK((*edited)->permissions().at("Integration") == v1::ACCESS_LEVEL_READ_ACCESS);
  CHECK((*shared)->permissions().at("Integration") == v1::ACCESS_LEVEL_READ_WRITE_ACCESS);
}

TEST_CASE_METHOD(CliFixture, "LocalValidator reconnects after a restart and catches up") {
  LocalValidatorOptions options;
  options.max_disconnected = absl::Hours(1);
  auto local = StartValidator(server_, options);
  const v1::GenerateTokenResponse minted = Mint("survivor", {"Analyst"});
  REQUIRE(local->Validate(minted.token()).ok());

  REQUIRE(server_.Stop() == 0);
  // Within max_disconnected, what it knew still answers.
  CHECK(local->Validate(minted.token()).ok());
  server_.Start();
  REQUIRE(api_.Revoke(admin_, minted.metadata().id()).ok());
  // The restarted server cannot resume the old cursor: a second full state. The revocation
  // comes in it, or after it when the validator reconnected before the revoke.
  auto caught_up = [&] {
    return local->stats().resets == 2 && !local->Validate(minted.token()).ok();
  };
  CHECK(TimeUntil(true, caught_up, absl::Seconds(30)).has_value());
  CHECK(local->stats().resets == 2);
  CHECK(local->stats().connected);
}

TEST_CASE_METHOD(CliFixture, "LocalValidator stops vouching when its watch is down too long") {
  LocalValidatorOptions options;
  options.max_disconnected = absl::ZeroDuration();
  auto local = StartValidator(server_, options);
  const v1::GenerateTokenResponse minted = Mint("orphan", {"Analyst"});
  REQUIRE(local->Validate(minted.token()).ok());
  server_.Kill();
  CHECK(TimeUntil(
            true,
            [&] {
              return local->Validate(minted.token()).status().code() ==
                     absl::StatusCode::kUnavailable;
            },
            absl::Seconds(30))
            .has_value());
}

// What someone holding the private key at `pem_path` can mint: an Admin token that Warden
// never issued, with the issuer and audience `server` publishes.
std::string ForgeAdminToken(const WardenProcess& server, const std::string& pem_path) {
  auto key = jose::SigningKey::LoadFile(pem_path);
  REQUIRE(key.ok());
  v1::GetPublicKeysResponse published;
  grpc::ClientContext context;
  SetDeadline(&context);
  REQUIRE(v1::AuthService::NewStub(server.channel())
              ->GetPublicKeys(&context, v1::GetPublicKeysRequest(), &published)
              .ok());
  jose::JwtClaims claims;
  claims.issuer = published.issuer();
  claims.audience = {published.audience()};
  claims.id = NewUuidV4();
  claims.issued_at = claims.not_before = absl::Now();
  claims.expires_at = absl::Now() + absl::Hours(1);
  claims.name = "forged";
  claims.roles = {"Admin"};
  absl::StatusOr<std::string> token = jose::SignJwt(**key, claims);
  REQUIRE(token.ok());
  return *token;
}

TEST_CASE("LocalValidator drops a signing key the server withdrew, without a restart of its own") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()}});
  const std::string ec = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256";
  const std::string fresh = MakeSigningKey(server.data_dir(), "fresh", ec);
  const std::string leaked = MakeSigningKey(server.data_dir(), "leaked", ec);
  server.SetEnv("WARDEN_SIGNING_KEYS", fresh + "," + leaked);
  server.Start();
  LocalValidatorOptions options;
  options.max_disconnected = absl::Hours(1);  // the restart must not make it stop vouching
  auto local = StartValidator(server, options);
  const std::string forged = ForgeAdminToken(server, leaked);
  INFO(local->Validate(forged).status().ToString());
  REQUIRE(local->Validate(forged).ok());  // the leaked key still verifies: the attack works

  // Emergency removal: the server restarts with the leaked key gone from its ring.
  REQUIRE(server.Stop() == 0);
  server.SetEnv("WARDEN_SIGNING_KEYS", fresh);
  server.Start();
  // The validator reconnects by itself and receives the restarted server's full state.
  auto reconnected = [&] { return local->stats().resets == 2; };
  REQUIRE(TimeUntil(true, reconnected, absl::Seconds(30)).has_value());
  absl::Status refused = local->Validate(forged).status();
  CHECK(refused.code() == absl::StatusCode::kUnauthenticated);
  CHECK(refused.message() == "token header names an unknown signing key");
  // Tokens signed by the key that stays are still accepted.
  ApiClient api(server.channel());
  auto minted = api.Generate(server.AdminAuthorization(), "after", {"Analyst"});
  REQUIRE(minted.ok());
  CHECK(local->Validate(minted.response.token()).ok());
}

TEST_CASE_METHOD(CliFixture, "LocalValidator refuses to start with credentials Warden rejects") {
  ClientOptions options = AdminOptions(server_);
  options.credentials = Credentials::BearerToken("not-a-token");
  auto local = LocalValidator::Start(options);
  REQUIRE_FALSE(local.ok());
  CHECK(local.status().code() == absl::StatusCode::kUnauthenticated);

  // The watch reveals roles and revoked ids: a CI token may not feed a validator.
  options.credentials = Credentials::BearerToken(Mint("ci", {"Continuous Integration"}).token());
  local = LocalValidator::Start(options);
  REQUIRE_FALSE(local.ok());
  CHECK(local.status().code() == absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace warden::testing
