#include "server/config/server_config.h"

#include <catch2/catch.hpp>
#include <map>

namespace warden {
namespace {

absl::StatusOr<ServerConfig> Parse(std::vector<std::string> args,
                                   std::map<std::string, std::string> env) {
  bool help = false;
  return ParseServerConfig(
      args,
      [&env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      &help);
}

// The least environment the server starts with.
std::map<std::string, std::string> MinimalEnv() {
  return {{"WARDEN_DATABASE_URL", "x"}, {"WARDEN_DATA_DIR", "d"}};
}

TEST_CASE("settings come from flags, then the environment, then defaults") {
  auto config = Parse({"--listen=0.0.0.0:9000", "--token-leeway", "30s"},
                      {{"WARDEN_DATABASE_URL", "postgresql://db/warden"},
                       {"WARDEN_LISTEN", "ignored:1"},
                       {"WARDEN_DATA_DIR", "/tmp/w"},
                       {"WARDEN_TOKEN_MAX_LIFETIME", "720h"},
                       {"WARDEN_SIGNING_KEYS", "a.pem, b.pem"}});
  REQUIRE(config.ok());
  CHECK(config->listen == "0.0.0.0:9000");
  CHECK(config->database_url == "postgresql://db/warden");
  CHECK(config->token_leeway == absl::Seconds(30));
  CHECK(config->token_max_lifetime == absl::Hours(720));
  CHECK(config->signing_keys == std::vector<std::string>{"a.pem", "b.pem"});
  CHECK(config->audience == "warden");
}

TEST_CASE("bad values name the flag and its variable") {
  auto config = Parse({}, {{"WARDEN_DATABASE_URL", "x"},
                           {"WARDEN_DATA_DIR", "d"},
                           {"WARDEN_TOKEN_MAX_LIFETIME", "a year"}});
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(config.status().message()),
             Catch::Contains("--token-max-lifetime (WARDEN_TOKEN_MAX_LIFETIME)"));
  CHECK_FALSE(Parse({"--nope=1"}, {{"WARDEN_DATABASE_URL", "x"}, {"WARDEN_DATA_DIR", "d"}}).ok());
  CHECK_FALSE(Parse({}, {{"WARDEN_DATA_DIR", "d"}}).ok());      // no database
  CHECK_FALSE(Parse({}, {{"WARDEN_DATABASE_URL", "x"}}).ok());  // no key source
}

TEST_CASE("last-use tracking is on by default, and can be tuned or turned off") {
  const std::map<std::string, std::string> base = MinimalEnv();
  auto defaults = Parse({}, base);
  REQUIRE(defaults.ok());
  CHECK(defaults->track_last_used);
  CHECK(defaults->last_used_flush_interval == absl::Minutes(1));
  CHECK(defaults->last_used_max_tokens == 100000);

  std::map<std::string, std::string> env = base;
  env["WARDEN_TRACK_LAST_USED"] = "false";
  env["WARDEN_LAST_USED_FLUSH_INTERVAL"] = "15s";
  env["WARDEN_LAST_USED_MAX_TOKENS"] = "5000";
  auto tuned = Parse({}, env);
  REQUIRE(tuned.ok());
  CHECK_FALSE(tuned->track_last_used);
  CHECK(tuned->last_used_flush_interval == absl::Seconds(15));
  CHECK(tuned->last_used_max_tokens == 5000);
  CHECK(Parse({"--track-last-used=true"}, env)->track_last_used);

  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"WARDEN_TRACK_LAST_USED", "sometimes"},
                                                        {"WARDEN_LAST_USED_FLUSH_INTERVAL", "10ms"},
                                                        {"WARDEN_LAST_USED_FLUSH_INTERVAL", "soon"},
                                                        {"WARDEN_LAST_USED_MAX_TOKENS", "10"}}) {
    std::map<std::string, std::string> bad = base;
    bad[name] = value;
    auto refused = Parse({}, bad);
    INFO(name << "=" << value);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(std::string(refused.status().message()), Catch::Contains(name));
  }
}

TEST_CASE("the database queue's bound has a default and a range") {
  const std::map<std::string, std::string> base = MinimalEnv();
  auto defaults = Parse({}, base);
  REQUIRE(defaults.ok());
  CHECK(defaults->database_max_queued == 1024);
  std::map<std::string, std::string> env = base;
  env["WARDEN_DATABASE_MAX_QUEUED"] = "64";
  CHECK(Parse({}, env)->database_max_queued == 64);
  CHECK(Parse({"--database-max-queued=5000"}, env)->database_max_queued == 5000);
  for (const char* bad : {"0", "-1", "1000001", "lots"}) {
    env["WARDEN_DATABASE_MAX_QUEUED"] = bad;
    auto refused = Parse({}, env);
    INFO(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(std::string(refused.status().message()),
               Catch::Contains("--database-max-queued (WARDEN_DATABASE_MAX_QUEUED)"));
  }
  CHECK_THAT(ServerConfigHelp(), Catch::Contains("WARDEN_DATABASE_MAX_QUEUED"));
}

TEST_CASE("private M2M issuers are refused unless the operator allows them") {
  const std::map<std::string, std::string> base = MinimalEnv();
  auto defaults = Parse({}, base);
  REQUIRE(defaults.ok());
  CHECK_FALSE(defaults->m2m_allow_private_issuers);
  std::map<std::string, std::string> env = base;
  env["WARDEN_M2M_ALLOW_PRIVATE_ISSUERS"] = "true";
  CHECK(Parse({}, env)->m2m_allow_private_issuers);
  CHECK_FALSE(Parse({"--m2m-allow-private-issuers=false"}, env)->m2m_allow_private_issuers);
  env["WARDEN_M2M_ALLOW_PRIVATE_ISSUERS"] = "sometimes";
  auto refused = Parse({}, env);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(std::string(refused.status().message()),
             Catch::Contains("WARDEN_M2M_ALLOW_PRIVATE_ISSUERS"));
  CHECK_THAT(ServerConfigHelp(), Catch::Contains("WARDEN_M2M_ALLOW_PRIVATE_ISSUERS"));
}

TEST_CASE("--help lists every variable") {
  std::string help = ServerConfigHelp();
  for (const char* var :
       {"WARDEN_LISTEN", "WARDEN_DATABASE_URL", "WARDEN_SIGNING_KEYS", "WARDEN_DATA_DIR",
        "WARDEN_ADMIN_PASSWORD_FILE", "WARDEN_TOKEN_MAX_LIFETIME", "WARDEN_TRACK_LAST_USED",
        "WARDEN_LAST_USED_FLUSH_INTERVAL", "WARDEN_LAST_USED_MAX_TOKENS"}) {
    CHECK_THAT(help, Catch::Contains(var));
  }
}

}  // namespace
}  // namespace warden
