#include "tests/browser/console_fixture.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/e2e/tool_run.h"

namespace warden::testing {

Json Browse(const WardenProcess& server, const std::string& name, const Json& input,
            const std::map<std::string, std::string>& extra_env) {
  const std::string failure_shot =
      absl::StrCat(WARDEN_BROWSER_ARTIFACTS, "/", name, "-failure.png");
  std::map<std::string, std::string> env = {{"WARDEN_URL", server.http_url()},
                                            {"WARDEN_ADMIN_PASSWORD", server.admin_password()},
                                            {"WARDEN_CHROMIUM", WARDEN_CHROMIUM},
                                            {"WARDEN_FAILURE_SCREENSHOT", failure_shot}};
  env.insert(extra_env.begin(), extra_env.end());
  const ToolRun run =
      RunTool({WARDEN_NODE_EXECUTABLE, WARDEN_CONSOLE_TESTS "/run.mjs", name, input.dump()},
              absl::Seconds(120), env);
  INFO("scenario " << name << " exit " << run.exit_code << "\nstdout: " << run.out
                   << "\nstderr: " << run.err << "\n(screenshot: " << failure_shot << ")");
  REQUIRE(run.exit_code == 0);
  const Json reported = Json::parse(run.out, nullptr, false);
  REQUIRE(reported.is_object());
  return reported;
}

ConsoleFixture::ConsoleFixture()
    : server_({{"WARDEN_DATABASE_URL", database_.url()}}),
      api_(server_.channel()),
      roles_(v1::RoleService::NewStub(server_.channel())),
      tokens_(v1::TokenService::NewStub(server_.channel())) {
  server_.ServeHttp();
  server_.Start();
}

v1::GenerateTokenResponse ConsoleFixture::Mint(const std::string& name,
                                               const std::vector<std::string>& roles,
                                               absl::Duration lifetime,
                                               const std::string& description,
                                               const std::string& authorization) {
  v1::GenerateTokenRequest request;
  request.set_name(name);
  for (const std::string& role : roles) request.add_roles(role);
  request.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now() + lifetime));
  request.set_description(description);
  auto minted = CallWithAuthorization<v1::GenerateTokenResponse>(
      [&](auto* c, const auto& r, auto* p) { return tokens_->GenerateToken(c, r, p); },
      authorization.empty() ? Admin() : authorization, request);
  INFO(minted.message());
  REQUIRE(minted.ok());
  return minted.response;
}

std::vector<v1::TokenMetadata> ConsoleFixture::Named(const std::string& name) {
  v1::ListTokensRequest request;
  request.set_page_size(1000);
  auto listed = api_.List(Admin(), request);
  REQUIRE(listed.ok());
  std::vector<v1::TokenMetadata> found;
  for (const v1::TokenMetadata& token : listed.response.tokens()) {
    if (token.name() == name) found.push_back(token);
  }
  return found;
}

bool ConsoleFixture::Works(const std::string& token) {
  auto status = api_.AuthStatus(Bearer(token));
  if (status.ok()) return true;
  INFO(status.message());
  REQUIRE(status.code() == grpc::StatusCode::UNAUTHENTICATED);
  return false;
}

}  // namespace warden::testing
