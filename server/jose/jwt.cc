#include "server/jose/jwt.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "server/jose/base64url.h"

namespace warden::jose {
namespace {

using Json = nlohmann::json;

absl::Status Reject(absl::string_view reason) { return absl::UnauthenticatedError(reason); }
absl::Status Malformed() { return Reject("token is malformed"); }
absl::Status MissingClaim(absl::string_view claim) {
  return Reject(absl::StrCat("token is missing claim ", claim));
}
absl::Status MalformedClaim(absl::string_view claim) {
  return Reject(absl::StrCat("token claim ", claim, " is malformed"));
}

// Parses `text` as a JSON object. Returns nullopt for invalid JSON (including invalid UTF-8),
// any other JSON type, or an object anywhere inside with a repeated member name: nlohmann
// would keep the last one silently, while another parser might keep the first.
std::optional<Json> ParseJsonObject(std::string_view text) {
  std::vector<absl::flat_hash_set<std::string>> open_objects;
  bool duplicate = false;
  Json::parser_callback_t on_event = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case Json::parse_event_t::key:
        if (const auto* name = parsed.get_ptr<const std::string*>();
            name != nullptr && !open_objects.empty() && !open_objects.back().insert(*name).second) {
          duplicate = true;
        }
        break;
      default:
        break;
    }
    return true;
  };
  Json json = Json::parse(text.begin(), text.end(), on_event, /*allow_exceptions=*/false);
  if (json.is_discarded() || duplicate || !json.is_object()) return std::nullopt;
  return json;
}

// Splits a compact JWS into its three decoded parts; the signing input is the text before the
// second dot.
struct CompactJws {
  std::string_view signing_input;
  std::string header, payload, signature;
};

std::optional<CompactJws> SplitCompact(std::string_view token) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = Base64UrlDecode(token.substr(0, first));
  auto payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!header || !payload || !signature || header->empty() || payload->empty()) {
    return std::nullopt;
  }
  return CompactJws{token.substr(0, second), *std::move(header), *std::move(payload),
                    *std::move(signature)};
}

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

// Resolves the verifying key from the header, rejecting every algorithm the key does not fix.
absl::StatusOr<const SigningKey*> KeyForHeader(const KeyRing& ring, const Json& header) {
  const auto alg_it = header.find("alg");
  const auto kid_it = header.find("kid");
  if (alg_it == header.end() || kid_it == header.end()) return Malformed();
  const auto* alg = alg_it->get_ptr<const std::string*>();
  const auto* kid = kid_it->get_ptr<const std::string*>();
  if (alg == nullptr || kid == nullptr) return Malformed();
  if (absl::EqualsIgnoreCase(*alg, "none") || absl::StartsWithIgnoreCase(*alg, "HS")) {
    return Reject("token algorithm is not accepted");
  }
  const SigningKey* key = ring.Find(*kid);
  if (key == nullptr) return Reject("token header names an unknown signing key");
  if (*alg != AlgorithmName(key->algorithm())) {
    return Reject("token algorithm does not match its signing key");
  }
  // We understand no extension, so any critical one makes the token unusable (RFC 7515 §4.1.11).
  if (header.contains("crit")) return Reject("token header has unsupported critical parameters");
  return key;
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
  if (!key.can_sign()) return absl::FailedPreconditionError("signing key has no private part");

  Json header = {{"alg", AlgorithmName(key.algorithm())}, {"kid", key.kid()}, {"typ", "JWT"}};
  Json payload = {
      {"iss", claims.issuer},
      {"jti", claims.id},
      {"iat", absl::ToUnixSeconds(claims.issued_at)},
      {"nbf", absl::ToUnixSeconds(claims.not_before)},
      {"exp", absl::ToUnixSeconds(claims.expires_at)},
      {"name", claims.name},
      {"roles", claims.roles},
  };
  if (claims.audience.size() == 1) {
    payload["aud"] = claims.audience.front();
  } else {
    payload["aud"] = claims.audience;
  }
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
  if (token.size() > options.max_token_bytes) return Reject("token is too large");
  std::optional<CompactJws> jws = SplitCompact(token);
  if (!jws.has_value()) return Malformed();
  std::optional<Json> header = ParseJsonObject(jws->header);
  if (!header.has_value()) return Malformed();
  ASSIGN_OR_RETURN(const SigningKey* key, KeyForHeader(ring, *header));
  if (!key->Verify(jws->signing_input, jws->signature)) {
    return Reject("token signature is invalid");
  }
  std::optional<Json> payload = ParseJsonObject(jws->payload);
  if (!payload.has_value()) return Malformed();

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

  ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(*payload, "name"));
  claims.name = name.value_or("");
  if (const auto roles = payload->find("roles"); roles != payload->end()) {
    if (!roles->is_array()) return MalformedClaim("roles");
    ASSIGN_OR_RETURN(claims.roles, StringOrStrings(*roles, "roles"));
  }
  return claims;
}

}  // namespace warden::jose
