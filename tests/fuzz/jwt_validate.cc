// Fuzzes the whole path a bearer token takes (server/auth): the authorization header, then
// TokenValidator (signature and claims through jose::VerifyJwt, revocation, roles, M2M
// configuration), against the fixed key ring and views of jwt_fixture.h at a frozen clock.
//
// Input, two forms:
//  - no newline: a compact JWS as a client would send it (the seeds are real tokens signed
//    with the fixture's keys, so mutations probe what a forger can change);
//  - "<header JSON>\n<payload JSON>": the target signs the two texts itself (with the key the
//    header's kid names, else the ES256 signer), so that mutations of the claims get past the
//    signature and reach the claim checks.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/random.h"
#include "nlohmann/json.hpp"
#include "server/auth/admin_password.h"
#include "server/auth/authenticator.h"
#include "server/views/views_state.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/jwt_fixture.h"
#include "tests/support/fake_clock.h"
#include "validation/jose/base64url.h"
#include "validation/jose/jws.h"
#include "validation/jose/jwt.h"
#include "validation/token_validator.h"

namespace warden::fuzz {
namespace {

using Json = nlohmann::json;

struct World {
  FakeClock clock{kNow};
  ViewsState state{FuzzRevocationView(), FuzzRoleView(), FuzzM2mView(), FuzzAuthProviderView()};
  TokenValidator validator{FuzzKeyRing(), FuzzVerifyOptions(), state, clock};
  Authenticator authenticator{validator, AdminPassword::FromPlaintext("fuzz-admin-password")};
};

const World& TheWorld() {
  static const World* const world = new World();
  return *world;
}

// Signs header.payload as given (no re-serialization), with the key the header's kid names
// when the ring has it and it can sign, else the ring's signer. Also returns that key.
std::string SignRaw(std::string_view header, std::string_view payload,
                    const jose::SigningKey** used) {
  const jose::KeyRing& ring = FuzzKeyRing();
  const jose::SigningKey* key = &ring.signer();
  const Json parsed = Json::parse(header.begin(), header.end(), nullptr, false);
  if (parsed.is_object()) {
    const auto kid = parsed.find("kid");
    if (kid != parsed.end() && kid->is_string()) {
      const jose::SigningKey* named = ring.Find(kid->get_ref<const std::string&>());
      if (named != nullptr && named->can_sign()) key = named;
    }
  }
  const std::string input =
      absl::StrCat(jose::Base64UrlEncode(header), ".", jose::Base64UrlEncode(payload));
  const auto signature = key->Sign(input);
  FUZZ_CHECK_STATUS(signature.ok(), signature.status());
  *used = key;
  return absl::StrCat(input, ".", jose::Base64UrlEncode(*signature));
}

// A rejection is UNAUTHENTICATED with one of the documented fixed reasons (jwt.h,
// token_validator.h), so it never echoes a piece of the token. The one exception quotes a
// role name from verified, so Warden-signed, claims.
void CheckRejection(const absl::Status& status) {
  FUZZ_CHECK_STATUS(absl::IsUnauthenticated(status), status);
  static const absl::flat_hash_set<std::string>* const reasons = [] {
    auto* all = new absl::flat_hash_set<std::string>{
        "token is too large",
        "token is malformed",
        "token algorithm is not accepted",
        "token header names an unknown signing key",
        "token algorithm does not match its signing key",
        "token header has unsupported critical parameters",
        "token signature is not in canonical low-S form",
        "token signature is invalid",
        "token issuer is not accepted",
        "token audience is not accepted",
        "token has expired",
        "token is not valid yet",
        "token id is not valid",
        "token has been revoked",
        "token carries no roles",
        "the m2m config this token was exchanged through is gone",
        "the m2m config this token was exchanged through has changed since; exchange a new "
        "ID token",
    };
    for (const char* claim : {"iss", "aud", "exp", "nbf", "jti", "iat", "name", "roles", "sub",
                              "m2m_config", "m2m_rev", "root"}) {
      all->insert(absl::StrCat("token is missing claim ", claim));
      all->insert(absl::StrCat("token claim ", claim, " is malformed"));
    }
    return all;
  }();
  const std::string message(status.message());
  if (absl::StartsWith(message, "token role ") && absl::EndsWith(message, " no longer exists")) {
    return;
  }
  FUZZ_CHECK_STATUS(reasons->contains(message), status);
}

bool SameClaims(const jose::JwtClaims& a, const jose::JwtClaims& b) {
  return a.issuer == b.issuer && a.audience == b.audience && a.id == b.id &&
         a.issued_at == b.issued_at && a.not_before == b.not_before &&
         a.expires_at == b.expires_at && a.name == b.name && a.roles == b.roles &&
         a.subject == b.subject && a.m2m_config_id == b.m2m_config_id &&
         a.m2m_revision == b.m2m_revision && a.root == b.root;
}

// What an accepted token must be, and that its claims survive SignJwt -> VerifyJwt.
void CheckAccepted(const Identity& identity, std::string_view token) {
  const jose::VerifyOptions options = FuzzVerifyOptions();
  const auto claims = jose::VerifyJwt(FuzzKeyRing(), token, options, kNow);
  FUZZ_CHECK_STATUS(claims.ok(), claims.status());
  FUZZ_CHECK(IsUuid(identity.id) && identity.id == claims->id);
  FUZZ_CHECK(!FuzzRevocationView().IsRevoked(identity.id, absl::InfiniteFuture()));
  FUZZ_CHECK(!identity.roles.empty() && identity.roles == claims->roles);
  for (const std::string& role : identity.roles) {
    FUZZ_CHECK(FuzzRoleView().Snapshot()->Find(role) != nullptr);
  }
  FUZZ_CHECK(identity.expires_at.has_value() && *identity.expires_at == claims->expires_at);
  FUZZ_CHECK(kNow <= claims->expires_at + options.leeway);
  // Exchanged tokens (a subject and a configuration) are M2M identities; tokens minted by one
  // carry the configuration without a subject and stay API tokens, bound to it all the same.
  FUZZ_CHECK((identity.kind == IdentityKind::kM2m) ==
             (!claims->m2m_config_id.empty() && !claims->subject.empty()));
  FUZZ_CHECK(identity.m2m_config_id == claims->m2m_config_id);
  FUZZ_CHECK(identity.root == claims->root);
  FUZZ_CHECK(identity.kind != IdentityKind::kAdmin);

  // Past expiry plus leeway, the same token is refused as expired, and before nbf minus
  // leeway as not valid yet (unless it would already be expired then, which is checked first).
  // (An exp near the end of int64 seconds saturates to "never": no later instant exists.)
  const absl::Time after = claims->expires_at + options.leeway + absl::Seconds(1);
  if (after != absl::InfiniteFuture()) {
    const auto late = jose::VerifyJwt(FuzzKeyRing(), token, options, after);
    FUZZ_CHECK(!late.ok() && late.status().message() == "token has expired");
  }
  // (Without nbf, VerifyJwt reports not_before as iat but never checks it.)
  const auto decoded = jose::DecodeJwsUnverified(token, jose::JwsOptions());
  FUZZ_CHECK_STATUS(decoded.ok(), decoded.status());
  const absl::Time before = claims->not_before - options.leeway - absl::Seconds(1);
  // Without nbf, not_before is the unchecked iat, which may be anything.
  if (decoded->payload.contains("nbf")) FUZZ_CHECK(claims->not_before <= kNow + options.leeway);
  if (decoded->payload.contains("nbf") && before <= claims->expires_at + options.leeway) {
    const auto early = jose::VerifyJwt(FuzzKeyRing(), token, options, before);
    FUZZ_CHECK(!early.ok() && early.status().message() == "token is not valid yet");
  }

  // Warden's own signer reproduces the claims exactly. (Not a token without nbf whose iat is
  // in the future: SignJwt writes nbf = not_before = that iat, which then is checked.)
  if (!decoded->payload.contains("nbf") && claims->not_before > kNow + options.leeway) return;
  jose::JwtClaims copy = *claims;
  const auto resigned = jose::SignJwt(FuzzKeyRing().signer(), copy);
  FUZZ_CHECK_STATUS(resigned.ok(), resigned.status());
  const auto reverified = jose::VerifyJwt(FuzzKeyRing(), *resigned, options, kNow);
  FUZZ_CHECK_STATUS(reverified.ok(), reverified.status());
  FUZZ_CHECK(SameClaims(*reverified, *claims));
}

void CheckToken(std::string_view token, const jose::SigningKey* signer,
                std::string_view header_text) {
  const World& world = TheWorld();
  const absl::StatusOr<Identity> identity = world.validator.Validate(ToAbsl(token));
  // For reading a corpus: WARDEN_FUZZ_VERBOSE=1 fuzz_jwt_validate <files> prints verdicts.
  static const bool verbose = std::getenv("WARDEN_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "verdict: %s\n",
                 identity.ok() ? "accepted" : std::string(identity.status().ToString()).c_str());
  }

  // The header path: "Bearer <token>" authenticates exactly as the stripped token validates.
  const std::string header = absl::StrCat("Bearer ", ToAbsl(token));
  const absl::StatusOr<Identity> via_header =
      world.authenticator.AuthenticateInline({absl::string_view(header)});
  const absl::string_view stripped = absl::StripAsciiWhitespace(ToAbsl(token));
  if (stripped.empty()) {
    FUZZ_CHECK(!via_header.ok() && via_header.status().message() == "bearer token is empty");
  } else if (stripped.size() == token.size()) {
    FUZZ_CHECK(via_header.ok() == identity.ok());
    if (!identity.ok()) FUZZ_CHECK(via_header.status() == identity.status());
  }

  if (!identity.ok()) {
    CheckRejection(identity.status());
    // The target signed it with the key its kid names and the alg of that key: the
    // signature itself is never what is wrong (and Warden signs only low-S).
    if (signer != nullptr) {
      const Json header_json = Json::parse(header_text.begin(), header_text.end(), nullptr, false);
      const bool kid_matches = header_json.is_object() && header_json.contains("kid") &&
                               header_json["kid"] == signer->kid();
      if (kid_matches) {
        FUZZ_CHECK_STATUS(identity.status().message() != "token signature is invalid",
                          identity.status());
        FUZZ_CHECK_STATUS(
            identity.status().message() != "token signature is not in canonical low-S form",
            identity.status());
      }
    }
    return;
  }
  CheckAccepted(*identity, token);
}

}  // namespace
}  // namespace warden::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace warden::fuzz;
  const std::string_view input = AsStringView(data, size);
  // Beyond the 16 KiB limit everything is "too large"; longer inputs only cost time.
  if (input.size() > 20 * 1024) return 0;
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) {
    CheckToken(input, nullptr, "");
    return 0;
  }
  const std::string_view header = input.substr(0, newline);
  const warden::jose::SigningKey* signer = nullptr;
  const std::string token = SignRaw(header, input.substr(newline + 1), &signer);
  CheckToken(token, signer, header);
  return 0;
}
