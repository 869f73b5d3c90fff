// End to end: who may watch (AuthService.WatchRevocations), and that a stream lives no
// longer than its caller's right to it: its own token revoked, expired, or its roles edited.

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/role_client.h"
#include "tests/e2e/server_fixture.h"

namespace warden::testing {
namespace {

// One WatchRevocations stream, read on the test's thread. Every wait is for the stream's
// own next event, bounded by the call's deadline.
class Watch final {
 public:
  Watch(const std::shared_ptr<grpc::Channel>& channel, const std::string& authorization)
      : stub_(v1::AuthService::NewStub(channel)) {
    context_.AddMetadata("authorization", authorization);
    SetDeadline(&context_, 60);
    reader_ = stub_->WatchRevocations(&context_, v1::WatchRevocationsRequest());
  }

  // The next message; false when the stream has ended instead.
  bool Next() { return reader_->Read(&last_); }
  const v1::WatchRevocationsResponse& last() const { return last_; }

  // Reads until the stream ends; how it ended.
  grpc::Status End() {
    while (reader_->Read(&last_)) {
    }
    return reader_->Finish();
  }

 private:
  std::unique_ptr<v1::AuthService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchRevocationsResponse>> reader_;
  v1::WatchRevocationsResponse last_;
};

TEST_CASE_METHOD(ServerFixture, "watching needs READ Access and READ Integration") {
  for (const char* role : {"None", "Continuous Integration", "Network Graph Viewer"}) {
    Watch watch(server_.channel(), Bearer(MintAsAdmin("no-watch", {role}).token()));
    CHECK_FALSE(watch.Next());  // not one role or revoked id
    grpc::Status refused = watch.End();
    INFO(role << ": " << refused.error_message());
    CHECK(refused.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(absl::StrContains(refused.error_message(),
                            "AuthService.WatchRevocations is not allowed: missing"));
  }
  // Analyst reads everything but Administration: it may, and the full state carries the keys.
  Watch allowed(server_.channel(), Bearer(MintAsAdmin("watcher", {"Analyst"}).token()));
  REQUIRE(allowed.Next());
  CHECK(allowed.last().reset());
  CHECK(absl::StrContains(allowed.last().public_keys().jwks(), "\"kid\""));
  CHECK_FALSE(allowed.last().public_keys().issuer().empty());
}

TEST_CASE_METHOD(ServerFixture, "a watch ends when its own token is revoked") {
  const v1::GenerateTokenResponse watcher = MintAsAdmin("watcher", {"Analyst"});
  const v1::GenerateTokenResponse other = MintAsAdmin("other", {"Analyst"});
  Watch watch(server_.channel(), Bearer(watcher.token()));
  REQUIRE(watch.Next());  // the full state

  // Someone else's revocation is news for the watcher, not the end of its stream.
  REQUIRE(api_.Revoke(admin_, other.metadata().id()).ok());
  REQUIRE(watch.Next());
  REQUIRE(watch.last().revocations_size() == 1);
  CHECK(watch.last().revocations(0).id() == other.metadata().id());

  REQUIRE(api_.Revoke(admin_, watcher.metadata().id()).ok());
  grpc::Status ended = watch.End();
  CHECK(ended.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(ended.error_message() == "the credential of this stream was revoked");
}

TEST_CASE_METHOD(ServerFixture,
                 "a watch goes on while its own rotated token is in its overlap, and hears when "
                 "the token will be refused") {
  const v1::GenerateTokenResponse watcher = MintAsAdmin("watcher", {"Analyst"});
  const v1::GenerateTokenResponse other = MintAsAdmin("other", {"Analyst"});
  Watch watch(server_.channel(), Bearer(watcher.token()));
  REQUIRE(watch.Next());  // the full state

  auto stub = v1::TokenService::NewStub(server_.channel());
  v1::RotateTokenRequest rotate;
  rotate.set_id(watcher.metadata().id());
  rotate.mutable_overlap()->set_seconds(3600);
  auto rotated = CallWithAuthorization<v1::RotateTokenResponse>(
      [&](auto* context, const auto& r, auto* out) { return stub->RotateToken(context, r, out); },
      admin_, rotate);
  REQUIRE(rotated.ok());
  REQUIRE(watch.Next());  // the scheduled refusal of its own token, as news
  REQUIRE(watch.last().revocations_size() == 1);
  CHECK(watch.last().revocations(0).id() == watcher.metadata().id());
  CHECK(watch.last().revocations(0).effective_from().seconds() ==
        rotated.response.previous().expiration().seconds());

  REQUIRE(api_.Revoke(admin_, other.metadata().id()).ok());
  REQUIRE(watch.Next());  // still open
  CHECK(watch.last().revocations(0).id() == other.metadata().id());
}

TEST_CASE_METHOD(ServerFixture, "a watch ends when its own token expires") {
  const absl::Time expiration = absl::Now() + absl::Seconds(3);
  const v1::GenerateTokenResponse watcher = MintAsAdmin("short-lived", {"Analyst"}, expiration);
  Watch watch(server_.channel(), Bearer(watcher.token()));
  REQUIRE(watch.Next());
  grpc::Status ended = watch.End();  // nothing else happens: only the expiry can end it
  CHECK(ended.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(ended.error_message() == "the credential of this stream expired");
  // Not before the token's exp (whole seconds; the minting truncates).
  CHECK(absl::Now() >= absl::FromUnixSeconds(watcher.metadata().expiration().seconds()));
}

TEST_CASE_METHOD(ServerFixture, "a watch ends when a role edit takes the permission away") {
  RoleClient roles(server_.channel());
  auto set = roles.CreatePermissionSet(
      admin_, "Watchers",
      {{"Access", v1::ACCESS_LEVEL_READ_ACCESS}, {"Integration", v1::ACCESS_LEVEL_READ_ACCESS}});
  REQUIRE(set.ok());
  REQUIRE(roles.CreateRole(admin_, "Watcher", set.response.permission_set().id()).ok());
  Watch watch(server_.channel(), Bearer(MintAsAdmin("watcher", {"Watcher"}).token()));
  REQUIRE(watch.Next());

  v1::UpdatePermissionSetRequest update;
  *update.mutable_permission_set() = set.response.permission_set();
  update.mutable_permission_set()->mutable_resource_to_access()->erase("Integration");
  REQUIRE(roles.Call(&v1::RoleService::Stub::UpdatePermissionSet, admin_, update).ok());
  grpc::Status ended = watch.End();
  CHECK(ended.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(absl::StrContains(ended.error_message(),
                          "missing Integration (needs READ_ACCESS, has NO_ACCESS)"));
}

}  // namespace
}  // namespace warden::testing
