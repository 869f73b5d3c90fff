#include "server/m2m/m2m_validation.h"

#include <catch2/catch.hpp>

namespace warden {
namespace {

M2mConfig Valid() {
  M2mConfig config;
  config.issuer = "https://issuer.example.com";
  config.audiences = {"warden"};
  config.token_lifetime = absl::Minutes(5);
  config.mappings = {{"sub", "repo:org/.*", "Analyst"}};
  return config;
}

absl::StatusCode CodeOf(M2mConfig config) {
  return ValidateM2mConfig(std::move(config)).status().code();
}

TEST_CASE("token lifetimes are Go-style durations between 1m and 24h") {
  CHECK(*ParseM2mTokenLifetime("5m") == absl::Minutes(5));
  CHECK(*ParseM2mTokenLifetime("1h") == absl::Hours(1));
  CHECK(*ParseM2mTokenLifetime("24h") == absl::Hours(24));
  CHECK_FALSE(ParseM2mTokenLifetime("59s").ok());
  CHECK_FALSE(ParseM2mTokenLifetime("25h").ok());
  CHECK_FALSE(ParseM2mTokenLifetime("five minutes").ok());
  CHECK_FALSE(ParseM2mTokenLifetime("").ok());
}

TEST_CASE("each rule of a configuration is checked") {
  CHECK(ValidateM2mConfig(Valid()).ok());

  M2mConfig http = Valid();
  http.issuer = "http://issuer.example.com";
  CHECK(CodeOf(http) == absl::StatusCode::kInvalidArgument);

  M2mConfig no_audience = Valid();
  no_audience.audiences.clear();
  CHECK_THAT(std::string(ValidateM2mConfig(no_audience).status().message()),
             Catch::Contains("allow_any_audience"));
  no_audience.allow_any_audience = true;
  CHECK(ValidateM2mConfig(no_audience).ok());

  M2mConfig bad_regex = Valid();
  bad_regex.mappings[0].value_expression = "repo:(";
  CHECK_THAT(std::string(ValidateM2mConfig(bad_regex).status().message()),
             Catch::Contains("mapping 1: value_expression is not a valid RE2"));

  M2mConfig no_mappings = Valid();
  no_mappings.mappings.clear();
  CHECK(CodeOf(no_mappings) == absl::StatusCode::kInvalidArgument);

  M2mConfig long_lived = Valid();
  long_lived.token_lifetime = absl::Hours(48);
  CHECK(CodeOf(long_lived) == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a GitHub Actions config always trusts GitHub's issuer") {
  M2mConfig github = Valid();
  github.type = M2mType::kGithubActions;
  github.issuer = "";
  absl::StatusOr<M2mConfig> normalised = ValidateM2mConfig(github);
  REQUIRE(normalised.ok());
  CHECK(normalised->issuer == "https://token.actions.githubusercontent.com");
  github.issuer = "https://evil.example.com";
  CHECK(CodeOf(github) == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace warden
