#include "server/auth/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/role.h"

namespace warden {
namespace {

// Splits "Scheme credentials"; the scheme compares case-insensitively (RFC 9110).
bool HasScheme(absl::string_view header, absl::string_view scheme, absl::string_view* rest) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  if (!absl::EqualsIgnoreCase(header.substr(0, scheme.size()), scheme)) return false;
  *rest = absl::StripAsciiWhitespace(header.substr(scheme.size() + 1));
  return true;
}

// An attempt that needs no ID-token check: `identity` is the answer.
Authenticator::Attempt Final(absl::StatusOr<Identity> identity) {
  return Authenticator::Attempt{std::move(identity), std::string()};
}

}  // namespace

Authenticator::Authenticator(const TokenValidator& tokens, std::optional<AdminPassword> admin,
                             IdTokenAuthenticator id_tokens)
    : tokens_(tokens), admin_(std::move(admin)), id_tokens_(std::move(id_tokens)) {}

Authenticator::Attempt Authenticator::Begin(const std::vector<absl::string_view>& headers) const {
  if (headers.empty()) {
    return Final(absl::UnauthenticatedError(
        "credentials required: send an 'authorization: Bearer <token>' header"));
  }
  if (headers.size() > 1) {
    return Final(
        absl::UnauthenticatedError("more than one authorization header; send exactly one"));
  }
  absl::string_view credentials;
  if (HasScheme(headers[0], "Bearer", &credentials)) {
    if (credentials.empty()) return Final(absl::UnauthenticatedError("bearer token is empty"));
    absl::StatusOr<Identity> warden = tokens_.Validate(credentials);
    if (warden.ok() || id_tokens_ == nullptr) return Final(std::move(warden));
    // Not a Warden token: it may be an ID token from an issuer an M2M config trusts.
    return {std::move(warden), std::string(credentials)};
  }
  if (HasScheme(headers[0], "Basic", &credentials)) return Final(AuthenticateBasic(credentials));
  return Final(absl::UnauthenticatedError(
      "malformed authorization header: expected 'Bearer <token>' or 'Basic <credentials>'"));
}

void Authenticator::Authenticate(const std::vector<absl::string_view>& headers, Done done) const {
  Attempt attempt = Begin(headers);
  if (attempt.id_token.empty()) return done(std::move(attempt.identity));
  id_tokens_(
      std::move(attempt.id_token), [warden = attempt.identity.status(),
                                    done = std::move(done)](absl::StatusOr<Identity> direct) {
        if (direct.ok()) return done(std::move(direct));
        if (absl::IsNotFound(direct.status()) || absl::IsInvalidArgument(direct.status())) {
          return done(warden);  // no configured issuer: the Warden reason is the useful one
        }
        // A full queue stays RESOURCE_EXHAUSTED (retry), not a bad credential.
        if (absl::IsResourceExhausted(direct.status()) || absl::IsUnavailable(direct.status())) {
          return done(direct.status());
        }
        done(absl::UnauthenticatedError(direct.status().message()));
      });
}

absl::StatusOr<Identity> Authenticator::AuthenticateInline(
    const std::vector<absl::string_view>& headers) const {
  Attempt attempt = Begin(headers);
  if (attempt.id_token.empty()) return std::move(attempt.identity);
  return absl::UnauthenticatedError(absl::StrCat(
      attempt.identity.status().message(),
      " (a third-party ID token is not accepted here: exchange it for a Warden token first)"));
}

absl::StatusOr<Identity> Authenticator::AuthenticateBasic(absl::string_view credentials) const {
  if (!admin_.has_value()) {
    return absl::UnauthenticatedError("basic authentication is disabled on this server");
  }
  if (!admin_enabled()) {
    return absl::UnauthenticatedError(
        "the admin password is turned off because people sign in through an auth provider; "
        "set WARDEN_ADMIN_PASSWORD_FILE to turn it back on");
  }
  std::string decoded;
  if (!absl::Base64Unescape(credentials, &decoded)) {
    return absl::UnauthenticatedError("malformed basic credentials: not base64");
  }
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) {
    return absl::UnauthenticatedError("malformed basic credentials: expected user:password");
  }
  absl::string_view user = absl::string_view(decoded).substr(0, colon);
  absl::string_view password = absl::string_view(decoded).substr(colon + 1);
  // Check the password even for a wrong user name, so both take the same time.
  bool password_ok = admin_->Matches(password);
  if (user != kAdminUserName || !password_ok) {
    return absl::UnauthenticatedError("invalid user name or password");
  }
  Identity identity;
  identity.kind = IdentityKind::kAdmin;
  identity.id = kAdminUserName;
  identity.name = kAdminUserName;
  identity.roles = {kAdminRoleName};
  return identity;
}

}  // namespace warden
