#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/wardenctl_runner.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {

// A real warden-server on a fresh database, wardenctl with an empty config directory, and
// a stub client to set up and check state behind wardenctl's back.
class CliFixture {
 public:
  // `server_env` adds server environment variables (WARDEN_M2M_CA_FILE, ...).
  explicit CliFixture(std::map<std::string, std::string> server_env = {})
      : server_(WithDatabase(std::move(server_env), database_.url())), api_(server_.channel()) {
    server_.Start();
    admin_ = server_.AdminAuthorization();
    password_file_ = server_.data_dir() + "/data/admin-password";
  }

  // wardenctl `args` --endpoint <the server>.
  CliResult Ctl(std::vector<std::string> args,
                const std::map<std::string, std::string>& env = {}) const {
    args.push_back("--endpoint");
    args.push_back(server_.address());
    return cli_.Run(args, env);
  }

  // Runs wardenctl and requires exit 0.
  CliResult Ok(std::vector<std::string> args,
               const std::map<std::string, std::string>& env = {}) const {
    CliResult result = Ctl(std::move(args), env);
    INFO(Describe(result));
    REQUIRE(result.exit_code == 0);
    return result;
  }

  // Runs wardenctl and requires `exit_code`, nothing on stdout and one error line.
  CliResult Fails(std::vector<std::string> args, int exit_code) const {
    CliResult result = Ctl(std::move(args));
    INFO(Describe(result));
    CHECK(result.exit_code == exit_code);
    CHECK(result.out.empty());
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    return result;
  }

  // A file in the runner's directory.
  std::string File(const std::string& name, const std::string& content) const {
    const std::string path = cli_.directory() + "/" + name;
    std::ofstream(path) << content;
    return path;
  }

  // `wardenctl login` with the admin password file; fails the test if it fails.
  void Login() {
    CliResult login = Ctl({"login", "--password-file", password_file_});
    INFO(Describe(login));
    REQUIRE(login.exit_code == 0);
  }

  // Mints a token as admin; fails the test if that does not work.
  v1::GenerateTokenResponse Mint(const std::string& name, std::vector<std::string> roles) {
    auto minted = api_.Generate(admin_, name, roles);
    INFO(minted.message());
    REQUIRE(minted.ok());
    return minted.response;
  }

  // A file in the runner's directory holding `token`.
  std::string TokenFile(const std::string& name, const std::string& token) const {
    std::string path = cli_.directory() + "/" + name;
    std::ofstream(path) << token << "\n";
    return path;
  }

  // How many unexpired tokens the server has, revoked or not.
  int TokenCount() {
    v1::ListTokensRequest request;
    request.set_page_size(1000);
    auto listed = api_.List(admin_, request);
    REQUIRE(listed.ok());
    return listed.response.tokens_size();
  }

  static nlohmann::json Json(const CliResult& result) {
    INFO(Describe(result));
    REQUIRE(result.exit_code == 0);
    nlohmann::json json = nlohmann::json::parse(result.out, nullptr, false);
    REQUIRE(json.is_object());
    return json;
  }

  static std::map<std::string, std::string> WithDatabase(std::map<std::string, std::string> env,
                                                         const std::string& url) {
    env["WARDEN_DATABASE_URL"] = url;
    return env;
  }

  TestDatabase database_;
  WardenProcess server_;
  ApiClient api_;
  WardenctlRunner cli_;
  std::string admin_;
  std::string password_file_;
};

}  // namespace warden::testing
