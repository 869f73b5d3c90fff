#include "server/m2m/m2m_validation.h"

#include <re2/re2.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace warden {
namespace {

// PostgreSQL text cannot hold NUL: libpq would store "a\0b" as "a", so an expression
// ".*\0x" would come back from the database as ".*" and match everything.
bool HasNul(const std::string& text) { return text.find('\0') != std::string::npos; }

}  // namespace

absl::Status ValidateIssuerUrl(const std::string& issuer) {
  if (!absl::StartsWith(issuer, "https://") || issuer.size() <= 8) {
    return absl::InvalidArgumentError(
        absl::StrCat("issuer must be an https URL, such as https://issuer.example.com"));
  }
  if (issuer.find_first_of(" \t\r\n#?\0", 0, 7) != std::string::npos) {  // 7: with NUL
    return absl::InvalidArgumentError("issuer must not contain spaces, a query or a fragment");
  }
  return absl::OkStatus();
}

absl::Status ValidateClaimRules(const std::vector<M2mMapping>& rules, absl::string_view noun) {
  for (size_t i = 0; i < rules.size(); ++i) {
    const M2mMapping& m = rules[i];
    std::string where = absl::StrCat(noun, " ", i + 1);
    if (m.key.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": key is required"));
    if (m.role.empty())
      return absl::InvalidArgumentError(absl::StrCat(where, ": role is required"));
    if (HasNul(m.key) || HasNul(m.value_expression) || HasNul(m.role)) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": must not contain NUL"));
    }
    RE2 expression(m.value_expression, RE2::Quiet);
    if (!expression.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where,
                                                     ": value_expression is not a valid "
                                                     "RE2 expression: ",
                                                     expression.error()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> ParseM2mTokenLifetime(const std::string& text) {
  absl::Duration lifetime;
  if (text.empty() || !absl::ParseDuration(text, &lifetime)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "token_expiration_duration must be a duration such as 5m or 1h, not \"", text, "\""));
  }
  if (lifetime < kMinM2mTokenLifetime || lifetime > kMaxM2mTokenLifetime) {
    return absl::InvalidArgumentError(
        absl::StrCat("token_expiration_duration must be between 1m and 24h, not ", text));
  }
  return lifetime;
}

absl::StatusOr<M2mConfig> ValidateM2mConfig(M2mConfig config) {
  if (config.type == M2mType::kGithubActions) {
    if (config.issuer.empty()) config.issuer = kGithubActionsIssuer;
    if (config.issuer != kGithubActionsIssuer) {
      return absl::InvalidArgumentError(
          absl::StrCat("the issuer of a GITHUB_ACTIONS config is always ", kGithubActionsIssuer));
    }
  }
  if (absl::Status url = ValidateIssuerUrl(config.issuer); !url.ok()) return url;
  if (config.audiences.empty() && !config.allow_any_audience) {
    return absl::InvalidArgumentError(
        "at least one audience is required; set allow_any_audience to accept any (not "
        "recommended: any token from the issuer would do)");
  }
  for (const std::string& audience : config.audiences) {
    if (audience.empty() || HasNul(audience)) {
      return absl::InvalidArgumentError("audiences must not be empty nor contain NUL");
    }
  }
  if (config.token_lifetime < kMinM2mTokenLifetime ||
      config.token_lifetime > kMaxM2mTokenLifetime) {
    return absl::InvalidArgumentError("token_expiration_duration must be between 1m and 24h");
  }
  if (config.mappings.empty()) {
    return absl::InvalidArgumentError("at least one mapping is required: no role, no token");
  }
  if (absl::Status rules = ValidateClaimRules(config.mappings, "mapping"); !rules.ok()) {
    return rules;
  }
  return config;
}

}  // namespace warden
