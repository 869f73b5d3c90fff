#include "validation/jose/jwt.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "validation/jose/base64url.h"
#include "validation/jose/claim_errors.h"
#include "validation/jose/jws.h"

namespace warden::jose {
namespace {

using Json = nlohmann::json;

// A string member: nullopt if absent, MalformedClaim if not a string.
absl::StatusOr<std::optional<std::string>> OptionalString(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return std::optional<std::string>();
  const auto* value = it->get_ptr<const std::string*>();
  if (value == nullptr) return MalformedClaim(name);
  return std::optional<std::string>(*value);
}

// A NumericDate member in whole seconds: nullopt if absent, MalformedClaim if not an integer
// that fits in int64.
absl::StatusOr<std::optional<absl::Time>> OptionalTime(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return std::optional<absl::Time>();
  // Test unsigned first: nlohmann's integer accessor also answers for unsigned values.
  if (it->is_number_unsigned()) {
    const auto value = it->get<Json::number_unsigned_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return MalformedClaim(name);
    }
    return std::optional<absl::Time>(absl::FromUnixSeconds(static_cast<int64_t>(value)));
  }
  if (it->is_number_integer()) {
    return std::optional<absl::Time>(absl::FromUnixSeconds(it->get<Json::number_integer_t>()));
  }
  return MalformedClaim(name);
}

// A non-negative integer member: 0 if absent, MalformedClaim if not such an integer.
absl::StatusOr<int64_t> OptionalCount(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return 0;
  if (!it->is_number_unsigned()) return MalformedClaim(name);
  const auto value = it->get<Json::number_unsigned_t>();
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return MalformedClaim(name);
  }
  return static_cast<int64_t>(value);
}

// A string or an array of strings (the two forms of "aud").
absl::StatusOr<std::vector<std::string>> StringOrStrings(const Json& value, const char* name) {
  if (const auto* single = value.get_ptr<const std::string*>(); single != nullptr) {
    return std::vector<std::string>{*single};
  }
  if (!value.is_array()) return MalformedClaim(name);
  std::vector<std::string> out;
  out.reserve(value.size());
  for (const Json& element : value) {
    const auto* text = element.get_ptr<const std::string*>();
    if (text == nullptr) return MalformedClaim(name);
    out.push_back(*text);
  }
  return out;
}

absl::Status CheckTimes(const JwtClaims& claims, absl::Duration leeway, absl::Time now) {
  if (now > claims.expires_at + leeway) return Reject("token has expired");
  if (now + leeway < claims.not_before) return Reject("token is not valid yet");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> SignJwt(const SigningKey& key, const JwtClaims& claims) {
  if (claims.issuer.empty() || claims.audience.empty() || claims.id.empty()) {
    return absl::InvalidArgumentError("a token needs an issuer, an audience and an id");
  }
  for (const absl::Time t : {claims.issued_at, claims.not_before, claims.expires_at}) {
    if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) {
      return absl::InvalidArgumentError("token times must be finite");
    }
  }
  Json payload = {
      {"iss", claims.issuer},
      {"jti", claims.id},
      {"iat", absl::ToUnixSeconds(claims.issued_at)},
      {"nbf", absl::ToUnixSeconds(claims.not_before)},
      {"exp", absl::ToUnixSeconds(claims.expires_at)},
      {"name", claims.name},
      {"roles", claims.roles},
  };
  if (!claims.subject.empty()) payload["sub"] = claims.subject;
  if (!claims.m2m_config_id.empty()) payload["m2m_config"] = claims.m2m_config_id;
  if (claims.m2m_revision > 0) payload["m2m_rev"] = claims.m2m_revision;
  if (!claims.root.empty()) payload["root"] = claims.root;
  if (!claims.auth_provider_id.empty()) payload["auth_provider"] = claims.auth_provider_id;
  if (claims.auth_provider_revision > 0)
    payload["auth_provider_rev"] = claims.auth_provider_revision;
  if (!claims.auth_claims.empty()) payload["auth_claims"] = claims.auth_claims;
  if (claims.audience.size() == 1) {
    payload["aud"] = claims.audience.front();
  } else {
    payload["aud"] = claims.audience;
  }
  return SignJws(key, payload, "JWT");
}

absl::StatusOr<std::string> SignJws(const SigningKey& key, const Json& payload,
                                    std::string_view typ) {
  if (!key.can_sign()) return absl::FailedPreconditionError("signing key has no private part");
  Json header = {{"alg", AlgorithmName(key.algorithm())}, {"kid", key.kid()}, {"typ", typ}};
  std::string signing_input;
  try {  // dump() throws only on invalid UTF-8; keep exceptions inside this library.
    signing_input =
        absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(payload.dump()));
  } catch (const Json::exception&) {
    return absl::InvalidArgumentError("token claims must be valid UTF-8");
  }
  ASSIGN_OR_RETURN(const std::string signature, key.Sign(signing_input));
  return absl::StrCat(signing_input, ".", Base64UrlEncode(signature));
}

absl::StatusOr<JwtClaims> VerifyJwt(const KeyRing& ring, std::string_view token,
                                    const VerifyOptions& options, absl::Time now) {
  if (options.issuer.empty() || options.audience.empty()) {
    return absl::InternalError("token verification is not configured with issuer and audience");
  }
  JwsOptions jws_options;
  jws_options.max_token_bytes = options.max_token_bytes;
  // With a cutoff, a high-S signature is judged once `iat` is known, below.
  jws_options.require_low_s = !options.high_s_issued_before.has_value();
  absl::StatusOr<VerifiedJws> jws = VerifyJws(ring, token, jws_options);
  // Every failure of a Warden token is UNAUTHENTICATED, structural ones included.
  if (!jws.ok()) return Reject(jws.status().message());
  const Json* payload = &jws->payload;

  JwtClaims claims;
  ASSIGN_OR_RETURN(std::optional<std::string> issuer, OptionalString(*payload, "iss"));
  if (!issuer.has_value()) return MissingClaim("iss");
  if (*issuer != options.issuer) return Reject("token issuer is not accepted");
  claims.issuer = *std::move(issuer);

  const auto aud = payload->find("aud");
  if (aud == payload->end()) return MissingClaim("aud");
  ASSIGN_OR_RETURN(claims.audience, StringOrStrings(*aud, "aud"));
  bool audience_ok = false;
  for (const std::string& audience : claims.audience) audience_ok |= audience == options.audience;
  if (!audience_ok) return Reject("token audience is not accepted");

  ASSIGN_OR_RETURN(std::optional<absl::Time> expires_at, OptionalTime(*payload, "exp"));
  ASSIGN_OR_RETURN(std::optional<absl::Time> not_before, OptionalTime(*payload, "nbf"));
  if (!expires_at.has_value()) return MissingClaim("exp");
  claims.expires_at = *expires_at;
  claims.not_before = not_before.value_or(absl::InfinitePast());
  RETURN_IF_ERROR(CheckTimes(claims, std::max(options.leeway, absl::ZeroDuration()), now));

  ASSIGN_OR_RETURN(std::optional<std::string> id, OptionalString(*payload, "jti"));
  if (!id.has_value()) return MissingClaim("jti");
  if (id->empty()) return MalformedClaim("jti");
  claims.id = *std::move(id);
  ASSIGN_OR_RETURN(std::optional<absl::Time> issued_at, OptionalTime(*payload, "iat"));
  if (!issued_at.has_value()) return MissingClaim("iat");
  claims.issued_at = *issued_at;
  if (!not_before.has_value()) claims.not_before = claims.issued_at;
  // `iat` has whole seconds and the cutoff microseconds: a token of the cutoff's own second
  // counts as after it (a token minted in that second by a binary that signed only low-S
  // would otherwise have a valid high-S twin).
  if (jws->high_s && !(claims.issued_at <
                       absl::FromUnixSeconds(absl::ToUnixSeconds(*options.high_s_issued_before)))) {
    return Reject("token signature is not in canonical low-S form");
  }

  ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(*payload, "name"));
  claims.name = name.value_or("");
  if (const auto roles = payload->find("roles"); roles != payload->end()) {
    if (!roles->is_array()) return MalformedClaim("roles");
    ASSIGN_OR_RETURN(claims.roles, StringOrStrings(*roles, "roles"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> subject, OptionalString(*payload, "sub"));
  claims.subject = subject.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> m2m, OptionalString(*payload, "m2m_config"));
  claims.m2m_config_id = m2m.value_or("");
  ASSIGN_OR_RETURN(claims.m2m_revision, OptionalCount(*payload, "m2m_rev"));
  ASSIGN_OR_RETURN(std::optional<std::string> root, OptionalString(*payload, "root"));
  claims.root = root.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> provider, OptionalString(*payload, "auth_provider"));
  claims.auth_provider_id = provider.value_or("");
  ASSIGN_OR_RETURN(claims.auth_provider_revision, OptionalCount(*payload, "auth_provider_rev"));
  if (const auto used = payload->find("auth_claims"); used != payload->end()) {
    if (!used->is_object()) return MalformedClaim("auth_claims");
    for (const auto& [key, values] : used->items()) {
      if (!values.is_array()) return MalformedClaim("auth_claims");
      ASSIGN_OR_RETURN(claims.auth_claims[key], StringOrStrings(values, "auth_claims"));
    }
  }
  return claims;
}

}  // namespace warden::jose
