// End to end: the token lifecycle of issue 18 on the real warden-server, over gRPC and HTTP
// (Connect): rotation with an overlap (across a restart), cascade revocation, revoking what
// one identity created, the created_by filter and descriptions.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/e2e/http_client.h"
#include "tests/e2e/server_fixture.h"

namespace warden::testing {
namespace {

class LifecycleFixture : public ServerFixture {
 public:
  LifecycleFixture() : tokens_(v1::TokenService::NewStub(server_.channel())) {
    REQUIRE(server_.Stop() == 0);
    server_.ServeHttp();
    server_.Start();
    admin_ = server_.AdminAuthorization();
  }

  Reply<v1::RotateTokenResponse> Rotate(const std::string& id,
                                        std::optional<absl::Duration> overlap = std::nullopt) {
    v1::RotateTokenRequest request;
    request.set_id(id);
    if (overlap.has_value()) {
      request.mutable_overlap()->set_seconds(absl::ToInt64Seconds(*overlap));
    }
    return CallWithAuthorization<v1::RotateTokenResponse>(
        [&](auto* context, const auto& r, auto* out) {
          return tokens_->RotateToken(context, r, out);
        },
        admin_, request);
  }

  Reply<v1::RevokeTokenResponse> RevokeTree(const v1::RevokeTokenRequest& request) {
    return CallWithAuthorization<v1::RevokeTokenResponse>(
        [&](auto* context, const auto& r, auto* out) {
          return tokens_->RevokeToken(context, r, out);
        },
        admin_, request);
  }

  bool Works(const std::string& token) { return api_.AuthStatus(Bearer(token)).ok(); }

  HttpClient http() const { return HttpClient(server_.http_port()); }

  std::unique_ptr<v1::TokenService::Stub> tokens_;
};

TEST_CASE_METHOD(LifecycleFixture,
                 "a rotated token works through its overlap, also after a restart, and its "
                 "successor at once") {
  v1::GenerateTokenResponse old = MintAsAdmin("deploy", {"Analyst"});
  auto rotated = Rotate(old.metadata().id());
  INFO(rotated.message());
  REQUIRE(rotated.ok());
  const v1::TokenMetadata& successor = rotated.response.metadata();
  CHECK(successor.name() == "deploy");
  CHECK(successor.rotated_from() == old.metadata().id());
  CHECK(rotated.response.previous().rotated_to() == successor.id());
  // The default overlap: the old token now ends a day from now.
  CHECK(rotated.response.previous().expiration().seconds() - successor.issued_at().seconds() ==
        Approx(86400).margin(2));
  // The same lifetime (a year) from now.
  CHECK(successor.expiration().seconds() - successor.issued_at().seconds() ==
        Approx(365 * 86400).margin(2));
  CHECK(Works(old.token()));
  CHECK(Works(rotated.response.token()));

  auto again = Rotate(old.metadata().id());
  CHECK(again.code() == grpc::StatusCode::FAILED_PRECONDITION);

  REQUIRE(server_.Stop() == 0);
  server_.Start();
  CHECK(Works(old.token()));
  CHECK(Works(rotated.response.token()));
  auto got = api_.Get(admin_, old.metadata().id());
  REQUIRE(got.ok());
  CHECK(got.response.token().rotated_to() == successor.id());
}

TEST_CASE_METHOD(LifecycleFixture,
                 "a rotation with no overlap over HTTP ends the old token at once, also after a "
                 "restart") {
  v1::GenerateTokenResponse old = MintAsAdmin("leaked", {"Analyst"});
  HttpReply reply = http().Connect(
      "/warden.v1.TokenService/RotateToken", "application/json",
      nlohmann::json{{"id", old.metadata().id()}, {"overlap", "0s"}}.dump(), {admin_});
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  const std::string successor = reply.Json()["token"];
  CHECK_FALSE(Works(old.token()));
  CHECK(Works(successor));
  CHECK(api_.AuthStatus(Bearer(old.token())).message() == "token has been revoked");

  REQUIRE(server_.Stop() == 0);
  server_.Start();
  CHECK_FALSE(Works(old.token()));
  CHECK(Works(successor));

  HttpReply too_long = http().Connect(
      "/warden.v1.TokenService/RotateToken", "application/json",
      nlohmann::json{{"id", reply.Json()["metadata"]["id"]}, {"overlap", "700000s"}}.dump(),
      {admin_});
  CHECK(too_long.status == 400);
  CHECK(too_long.Json()["code"] == "invalid_argument");
  CHECK(too_long.Json()["message"] == "overlap must be between 0s and 168h");
}

TEST_CASE_METHOD(LifecycleFixture,
                 "a cascade over HTTP revokes a token and what it minted, and says how many") {
  v1::GenerateTokenResponse parent = MintAsAdmin("parent", {"Admin"});
  auto child = api_.Generate(Bearer(parent.token()), "child", {"Analyst"});
  REQUIRE(child.ok());
  CHECK(child.response.metadata().created_by() == "token:" + parent.metadata().id());
  v1::GenerateTokenResponse bystander = MintAsAdmin("bystander", {"Analyst"});

  v1::ListTokensRequest by_parent;
  by_parent.set_created_by("token:" + parent.metadata().id());
  auto listed = api_.List(admin_, by_parent);
  REQUIRE(listed.ok());
  REQUIRE(listed.response.tokens_size() == 1);
  CHECK(listed.response.tokens(0).name() == "child");

  HttpReply revoked = http().Connect(
      "/warden.v1.TokenService/RevokeToken", "application/json",
      nlohmann::json{{"id", parent.metadata().id()}, {"cascade", true}}.dump(), {admin_});
  INFO(revoked.body);
  REQUIRE(revoked.status == 200);
  CHECK(revoked.Json()["revokedCount"] == "2");  // int64 is a JSON string in proto3 JSON
  CHECK(revoked.Json()["token"]["revoked"] == true);
  CHECK_FALSE(Works(parent.token()));
  CHECK_FALSE(Works(child.response.token()));
  CHECK(Works(bystander.token()));
}

TEST_CASE_METHOD(LifecycleFixture, "everything one identity created is revoked in one call") {
  v1::GenerateTokenResponse lead = MintAsAdmin("lead", {"Admin"});
  const std::string lead_principal = "token:" + lead.metadata().id();
  auto one = api_.Generate(Bearer(lead.token()), "one", {"Analyst"});
  auto two = api_.Generate(Bearer(lead.token()), "two", {"Analyst"});
  REQUIRE((one.ok() && two.ok()));
  v1::RevokeTokenRequest request;
  request.set_created_by(lead_principal);
  auto revoked = RevokeTree(request);
  REQUIRE(revoked.ok());
  CHECK(revoked.response.revoked_count() == 2);
  CHECK_FALSE(revoked.response.has_token());
  CHECK_FALSE(Works(one.response.token()));
  CHECK_FALSE(Works(two.response.token()));
  CHECK(Works(lead.token()));

  request.set_id(lead.metadata().id());
  CHECK(RevokeTree(request).code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE_METHOD(LifecycleFixture, "a description is kept and shown, and a long one refused") {
  HttpReply minted = http().Connect(
      "/warden.v1.TokenService/GenerateToken", "application/json",
      nlohmann::json{{"name", "ci"}, {"roles", {"Analyst"}}, {"description", "builds main"}}.dump(),
      {admin_});
  REQUIRE(minted.status == 200);
  CHECK(minted.Json()["metadata"]["description"] == "builds main");
  auto got = api_.Get(admin_, minted.Json()["metadata"]["id"]);
  REQUIRE(got.ok());
  CHECK(got.response.token().description() == "builds main");

  HttpReply too_long = http().Connect(
      "/warden.v1.TokenService/GenerateToken", "application/json",
      nlohmann::json{
          {"name", "ci"}, {"roles", {"Analyst"}}, {"description", std::string(1025, 'x')}}
          .dump(),
      {admin_});
  CHECK(too_long.status == 400);
  CHECK(too_long.Json()["message"] == "description is 1025 characters long; the limit is 1024");
}

}  // namespace
}  // namespace warden::testing
