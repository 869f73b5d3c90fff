#include "tests/storage/storage_fixture.h"

#include <catch2/catch.hpp>

#include "common/await.h"
#include "common/clock.h"
#include "common/random.h"
#include "storage/pg/migrator.h"

namespace warden::storage::testing {
namespace {

DatabaseOptions Options(const std::string& url) {
  DatabaseOptions options;
  options.url = url;
  options.pool_size = 3;
  return options;
}

}  // namespace

StorageFixture::StorageFixture()
    : executor_(Options(db_.url()), RealClock::Get()),
      tokens_(executor_),
      permission_sets_(executor_),
      access_scopes_(executor_),
      roles_(executor_),
      declarative_(executor_) {
  const absl::Status migrated = ApplyMigrations(db_.url());
  INFO(migrated.ToString());
  REQUIRE(migrated.ok());
}

absl::Status StorageFixture::Insert(const TokenMetadata& token) {
  return Await<absl::Status>([&](auto done) { tokens_.Insert(token, done); });
}

absl::StatusOr<TokenMetadata> StorageFixture::Get(const std::string& id) {
  return Await<absl::StatusOr<TokenMetadata>>([&](auto done) { tokens_.Get(id, done); });
}

absl::StatusOr<TokenPage> StorageFixture::List(const TokenListQuery& query) {
  return Await<absl::StatusOr<TokenPage>>([&](auto done) { tokens_.List(query, done); });
}

absl::StatusOr<TokenMetadata> StorageFixture::Revoke(const std::string& id, absl::Time now) {
  return Await<absl::StatusOr<TokenMetadata>>([&](auto done) { tokens_.Revoke(id, now, done); });
}

absl::StatusOr<std::vector<RevokedToken>> StorageFixture::ListRevoked(absl::Time t) {
  return Await<absl::StatusOr<std::vector<RevokedToken>>>(
      [&](auto done) { tokens_.ListRevoked(t, done); });
}

absl::StatusOr<std::vector<Role>> StorageFixture::LoadRoles() {
  return Await<absl::StatusOr<std::vector<Role>>>([&](auto done) { roles_.LoadAll(done); });
}

TokenMetadata NewToken(absl::Time issued_at, std::string name) {
  TokenMetadata token;
  token.id = NewUuidV4();
  token.name = std::move(name);
  token.roles = {"Analyst"};
  token.issued_at = issued_at;
  token.expires_at = issued_at + absl::Hours(24 * 365);
  token.created_by = "user:admin";
  return token;
}

absl::Time TestEpoch() { return absl::FromUnixMicros(1'700'000'000'123'456); }

}  // namespace warden::storage::testing
