#include "server/oidc/id_token.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "validation/jose/claim_errors.h"
#include "validation/jose/jws.h"

namespace warden::oidc {
namespace {

using Json = nlohmann::json;

using jose::MalformedClaim;
using jose::MissingClaim;
using jose::Reject;

jose::JwsOptions Limits() {
  jose::JwsOptions options;
  options.max_token_bytes = kMaxIdTokenBytes;
  options.max_json_depth = kMaxIdTokenJsonDepth;
  options.single_key_without_kid = true;
  // An issuer's token is what its signer made: many (Go's crypto/ecdsa, so Kubernetes with an
  // EC key) produce high-S half of the time, and Warden keys nothing on an ID token's string,
  // so its second form gains an attacker nothing.
  options.require_low_s = false;
  return options;
}

// A non-empty string claim.
absl::StatusOr<std::string> RequiredString(const Json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end()) return MissingClaim(name);
  const auto* value = it->get_ptr<const std::string*>();
  if (value == nullptr || value->empty()) return MalformedClaim(name);
  return *value;
}

// A NumericDate claim (RFC 7519 §2: seconds, possibly with a fraction, rounded down here);
// nullopt if absent.
absl::StatusOr<std::optional<absl::Time>> OptionalTime(const Json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end()) return std::optional<absl::Time>();
  constexpr double kLimit = 1e15;  // Far beyond any real date; keeps int64 conversion exact.
  if (it->is_number_unsigned()) {
    const auto value = it->get<Json::number_unsigned_t>();
    if (value > static_cast<uint64_t>(kLimit)) return MalformedClaim(name);
    return std::optional<absl::Time>(absl::FromUnixSeconds(static_cast<int64_t>(value)));
  }
  if (it->is_number_integer()) {
    const auto value = it->get<Json::number_integer_t>();
    if (value < -static_cast<int64_t>(kLimit)) return MalformedClaim(name);
    return std::optional<absl::Time>(absl::FromUnixSeconds(value));
  }
  if (it->is_number_float()) {
    const double value = std::floor(it->get<double>());
    if (!std::isfinite(value) || std::fabs(value) > kLimit) return MalformedClaim(name);
    return std::optional<absl::Time>(absl::FromUnixSeconds(static_cast<int64_t>(value)));
  }
  return MalformedClaim(name);
}

absl::Status CheckAudience(const Json& payload, const IdTokenExpectations& expectations) {
  const auto aud = payload.find("aud");
  if (aud == payload.end()) {
    return expectations.allow_any_audience ? absl::OkStatus() : MissingClaim("aud");
  }
  std::vector<const std::string*> audiences;
  if (const auto* single = aud->get_ptr<const std::string*>(); single != nullptr) {
    audiences.push_back(single);
  } else if (aud->is_array()) {
    for (const Json& element : *aud) {
      const auto* text = element.get_ptr<const std::string*>();
      if (text == nullptr) return MalformedClaim("aud");
      audiences.push_back(text);
    }
  } else {
    return MalformedClaim("aud");
  }
  if (expectations.allow_any_audience) return absl::OkStatus();
  for (const std::string* audience : audiences) {
    for (const std::string& expected : expectations.audiences) {
      if (*audience == expected) return absl::OkStatus();
    }
  }
  return Reject("token audience is not accepted");
}

}  // namespace

absl::StatusOr<UnverifiedIdToken> PeekIdToken(std::string_view token) {
  ASSIGN_OR_RETURN(jose::DecodedJws jws, jose::DecodeJwsUnverified(token, Limits()));
  UnverifiedIdToken out;
  const auto iss = jws.payload.find("iss");
  const auto* issuer = iss == jws.payload.end() ? nullptr : iss->get_ptr<const std::string*>();
  if (issuer == nullptr || issuer->empty()) {
    return absl::InvalidArgumentError("token has no issuer");
  }
  out.issuer = *issuer;
  if (const auto kid = jws.header.find("kid"); kid != jws.header.end()) {
    const auto* text = kid->get_ptr<const std::string*>();
    if (text == nullptr) return absl::InvalidArgumentError("token is malformed");
    out.kid = *text;
  }
  return out;
}

absl::StatusOr<std::string> PeekIssuer(std::string_view token) {
  ASSIGN_OR_RETURN(UnverifiedIdToken peeked, PeekIdToken(token));
  return std::move(peeked.issuer);
}

absl::StatusOr<VerifiedIdToken> VerifyIdToken(std::string_view token, const jose::KeyRing& keys,
                                              const IdTokenExpectations& expectations,
                                              absl::Time now) {
  if (expectations.issuer.empty() ||
      (expectations.audiences.empty() && !expectations.allow_any_audience)) {
    return absl::InternalError("ID token verification is not configured with issuer and audience");
  }
  ASSIGN_OR_RETURN(jose::VerifiedJws jws, jose::VerifyJws(keys, token, Limits()));
  const Json& payload = jws.payload;

  VerifiedIdToken out;
  ASSIGN_OR_RETURN(out.issuer, RequiredString(payload, "iss"));
  if (out.issuer != expectations.issuer) return Reject("token issuer is not accepted");
  RETURN_IF_ERROR(CheckAudience(payload, expectations));

  ASSIGN_OR_RETURN(std::optional<absl::Time> expires_at, OptionalTime(payload, "exp"));
  ASSIGN_OR_RETURN(std::optional<absl::Time> not_before, OptionalTime(payload, "nbf"));
  if (!expires_at.has_value()) return MissingClaim("exp");
  const absl::Duration leeway = std::max(expectations.leeway, absl::ZeroDuration());
  if (now > *expires_at + leeway) return Reject("token has expired");
  if (not_before.has_value() && now + leeway < *not_before) return Reject("token is not valid yet");
  out.expires_at = *expires_at;

  ASSIGN_OR_RETURN(out.subject, RequiredString(payload, "sub"));
  out.claims = std::move(jws.payload);
  return out;
}

}  // namespace warden::oidc
