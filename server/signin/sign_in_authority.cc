#include "server/signin/sign_in_authority.h"

#include <openssl/sha.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/random.h"
#include "domain/role.h"
#include "glog/logging.h"
#include "server/oidc/claims.h"
#include "server/oidc/issuer_token_verifier.h"
#include "server/signin/auth_provider_authority.h"
#include "server/signin/sign_in_state.h"
#include "validation/jose/base64url.h"
#include "validation/jose/jwt.h"

namespace warden {
namespace {

using FlatClaims = std::map<std::string, std::vector<std::string>>;

constexpr char kDefaultNameClaim[] = "email";
constexpr size_t kMaxSessionNameChars = 64;

std::string RandomText(size_t bytes) { return jose::Base64UrlEncode(RandomBytes(bytes)); }

std::string S256(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return jose::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// What names the person: the provider's name claim (email by default), else the subject.
std::string PersonName(const AuthProvider& provider, const FlatClaims& claims,
                       const std::string& subject) {
  const std::string& key = provider.name_claim.empty() ? kDefaultNameClaim : provider.name_claim;
  auto it = claims.find(key);
  if (it != claims.end() && !it->second.empty() && !it->second.front().empty()) {
    std::string name = it->second.front();
    if (name.size() > 128) name.resize(128);
    return name;
  }
  return subject;
}

// The claims sign-in used: the name claim and every rule's claim the token has.
FlatClaims UsedClaims(const AuthProvider& provider, const FlatClaims& claims) {
  FlatClaims used;
  auto take = [&](const std::string& key) {
    auto it = claims.find(key);
    if (it != claims.end()) used[key] = it->second;
  };
  take(provider.name_claim.empty() ? kDefaultNameClaim : provider.name_claim);
  for (const AuthProviderRule& rule : provider.rules) take(rule.key);
  return used;
}

std::vector<std::string> RolesFor(const AuthProviderEntry& entry, const FlatClaims& claims) {
  std::vector<std::string> roles = entry.rules->Roles(claims);
  if (!entry.provider.minimum_role.empty()) roles.push_back(entry.provider.minimum_role);
  std::erase(roles, std::string(kNoneRoleName));
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

absl::StatusOr<std::string> SessionName(const std::string& requested) {
  if (requested.empty()) return std::string("Sign-in session");
  size_t chars = 0;
  for (unsigned char c : requested) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("session_name must be printable characters");
    }
    chars += (c & 0xC0) != 0x80;
  }
  if (chars > kMaxSessionNameChars) {
    return absl::InvalidArgumentError("session_name must be at most 64 characters");
  }
  return absl::StrCat("Sign-in session (", requested, ")");
}

absl::Status UnknownProvider(const std::string& name) {
  return absl::NotFoundError(
      absl::StrCat("no auth provider is named \"", absl::CHexEscape(name), "\""));
}

bool IsLoopbackHost(absl::string_view host) {
  return host == "127.0.0.1" || host == "[::1]" || absl::EqualsIgnoreCase(host, "localhost");
}

}  // namespace

absl::Status ValidateRedirectUri(const std::string& uri) {
  auto bad = [] {
    return absl::InvalidArgumentError(
        "redirect_uri must be an https URL, or http on 127.0.0.1, [::1] or localhost (RFC "
        "8252), without a fragment");
  };
  if (uri.size() > 2048 || uri.find_first_of(" \t\r\n#\\") != std::string::npos) return bad();
  absl::string_view rest = uri;
  bool https = absl::ConsumePrefix(&rest, "https://");
  if (!https && !absl::ConsumePrefix(&rest, "http://")) return bad();
  absl::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.empty() || absl::StrContains(authority, "@")) return bad();
  if (!https) {
    absl::string_view host = authority;
    if (host.front() == '[') {
      host = host.substr(0, host.find(']') + 1);
    } else {
      host = host.substr(0, host.find(':'));
    }
    if (!IsLoopbackHost(host)) return bad();
  }
  return absl::OkStatus();
}

SignInAuthority::SignInAuthority(const AuthProviderView& view, ProviderClient& providers,
                                 oidc::IssuerKeyCache& keys, storage::SignInStateRecords& states,
                                 storage::TokenRecords& tokens, const jose::KeyRing& signer,
                                 ThreadPool& blocking_pool, AuditTrail& audit, const Clock& clock,
                                 Options options)
    : view_(view),
      providers_(providers),
      keys_(keys),
      states_(states),
      tokens_(tokens),
      signer_(signer),
      blocking_pool_(blocking_pool),
      audit_(audit),
      clock_(clock),
      options_(std::move(options)) {}

std::vector<std::string> SignInAuthority::ProviderNames() const {
  return view_.Snapshot()->names();
}

void SignInAuthority::Submit(std::function<void()> task,
                             const std::function<void(absl::Status)>& on_full) {
  // Never wait for room: the caller may be a gRPC reactor.
  if (absl::Status queued = blocking_pool_.TrySubmit(std::move(task)); !queued.ok()) {
    on_full(queued);
  }
}

void SignInAuthority::Start(const std::string& provider, const std::string& redirect_uri,
                            Done<Started> done) {
  if (absl::Status uri = ValidateRedirectUri(redirect_uri); !uri.ok()) return done(uri);
  std::shared_ptr<const AuthProviderSnapshot> snapshot = view_.Snapshot();
  const AuthProviderEntry* entry = snapshot->FindByName(provider);
  if (entry == nullptr) {
    return done(UnknownProvider(provider));
  }
  auto task = [this, snapshot, entry, redirect_uri, done]() {
    absl::StatusOr<ProviderEndpoints> endpoints = providers_.Endpoints(entry->provider);
    if (!endpoints.ok()) return done(endpoints.status());
    SignInState state;
    state.id = NewUuidV4();
    state.provider_id = entry->provider.id;
    state.redirect_uri = redirect_uri;
    state.nonce = RandomText(24);
    state.expires_at = clock_.Now() + kSignInStateLifetime;
    absl::StatusOr<std::string> sealed = SealSignInState(signer_, options_.issuer, state);
    if (!sealed.ok()) return done(sealed.status());
    Started started;
    started.code_verifier = RandomText(32);
    std::string scopes;
    for (const std::string& scope : entry->provider.scopes) {
      absl::StrAppend(&scopes, scopes.empty() ? "" : " ", scope);
    }
    const std::string& base = endpoints->authorization_endpoint;
    started.authorization_url = absl::StrCat(
        base, absl::StrContains(base, "?") ? "&" : "?", "response_type=code",
        "&client_id=", FormEncode(entry->provider.client_id),
        "&redirect_uri=", FormEncode(redirect_uri), "&scope=", FormEncode(scopes),
        "&state=", FormEncode(*sealed), "&nonce=", FormEncode(state.nonce),
        "&code_challenge=", S256(started.code_verifier), "&code_challenge_method=S256");
    started.state = *std::move(sealed);
    done(std::move(started));
  };
  Submit(std::move(task), done);
}

void SignInAuthority::Complete(const std::string& state_text, const std::string& code,
                               const std::string& code_verifier, const std::string& session_name,
                               Done<SignedInSession> done) {
  if (code.empty() || code.size() > 4096) {
    return done(absl::InvalidArgumentError("code is required (the provider's, from the URL)"));
  }
  if (code_verifier.size() < 43 || code_verifier.size() > 128) {
    return done(absl::InvalidArgumentError(
        "code_verifier must be the one StartSignIn returned (43 to 128 characters)"));
  }
  if (absl::Status name = SessionName(session_name).status(); !name.ok()) return done(name);
  absl::StatusOr<SignInState> state =
      OpenSignInState(signer_, options_.issuer, state_text, clock_.Now());
  if (!state.ok()) return done(state.status());
  std::shared_ptr<const AuthProviderSnapshot> snapshot = view_.Snapshot();
  const AuthProviderEntry* entry = snapshot->FindById(state->provider_id);
  if (entry == nullptr) {
    return done(absl::UnauthenticatedError("the auth provider of this sign-in is gone"));
  }
  // Used once, on every replica: marked before the code is redeemed, so a replay fails even
  // while the first attempt is still running.
  states_.MarkUsed(state->id, state->expires_at,
                   [this, snapshot, entry, state = *state, code, code_verifier, session_name,
                    done](absl::Status marked) {
                     if (absl::IsAlreadyExists(marked)) {
                       return done(absl::UnauthenticatedError(
                           "this sign-in was already completed or tried: start again"));
                     }
                     if (!marked.ok()) return done(marked);
                     Submit(
                         [this, snapshot, entry, state, code, code_verifier, session_name, done]() {
                           absl::StatusOr<ProviderTokens> tokens = providers_.RedeemCode(
                               entry->provider, code, code_verifier, state.redirect_uri);
                           if (!tokens.ok()) return done(tokens.status());
                           FinishSignIn(*entry, *tokens, state.nonce, session_name, done);
                         },
                         done);
                   });
}

void SignInAuthority::StartDevice(const std::string& provider, Done<DeviceAuthorization> done) {
  std::shared_ptr<const AuthProviderSnapshot> snapshot = view_.Snapshot();
  const AuthProviderEntry* entry = snapshot->FindByName(provider);
  if (entry == nullptr) {
    return done(UnknownProvider(provider));
  }
  Submit([this, snapshot, entry, done]() { done(providers_.StartDevice(entry->provider)); }, done);
}

void SignInAuthority::CompleteDevice(const std::string& provider, const std::string& device_code,
                                     const std::string& session_name, Done<DeviceResult> done) {
  if (device_code.empty() || device_code.size() > 4096) {
    return done(absl::InvalidArgumentError("device_code is required"));
  }
  if (absl::Status name = SessionName(session_name).status(); !name.ok()) return done(name);
  std::shared_ptr<const AuthProviderSnapshot> snapshot = view_.Snapshot();
  const AuthProviderEntry* entry = snapshot->FindByName(provider);
  if (entry == nullptr) {
    return done(UnknownProvider(provider));
  }
  auto task = [this, snapshot, entry, device_code, session_name, done]() {
    absl::StatusOr<DevicePoll> poll = providers_.PollDevice(entry->provider, device_code);
    if (!poll.ok()) return done(poll.status());
    if (poll->pending) {
      DeviceResult result;
      result.pending = true;
      result.slow_down = poll->slow_down;
      return done(std::move(result));
    }
    FinishSignIn(*entry, poll->tokens, std::nullopt, session_name,
                 [done](absl::StatusOr<SignedInSession> session) {
                   if (!session.ok()) return done(session.status());
                   DeviceResult result;
                   result.session = *std::move(session);
                   done(std::move(result));
                 });
  };
  Submit(std::move(task), done);
}

absl::StatusOr<oidc::VerifiedIdToken> SignInAuthority::VerifyIdToken(
    const AuthProvider& provider, const std::string& id_token,
    const std::optional<std::string>& nonce) {
  oidc::IdTokenExpectations expect;
  expect.issuer = provider.issuer;
  expect.audiences = {provider.client_id};
  expect.leeway = options_.leeway;
  absl::StatusOr<oidc::VerifiedIdToken> verified = oidc::VerifyIssuerIdToken(
      keys_, ProviderIssuerSpec(provider, options_.ca_file), id_token, expect, clock_.Now());
  if (!verified.ok()) {
    return absl::UnauthenticatedError(absl::StrCat("the ID token from auth provider ",
                                                   provider.name,
                                                   " is not valid: ", verified.status().message()));
  }
  const nlohmann::json& claims = verified->claims;
  // OIDC Core §3.1.3.7: with several audiences, azp must name this client.
  if (auto aud = claims.find("aud"); aud != claims.end() && aud->is_array() && aud->size() > 1) {
    auto azp = claims.find("azp");
    if (azp == claims.end() || !azp->is_string() || *azp != provider.client_id) {
      return absl::UnauthenticatedError(absl::StrCat(
          "the ID token from auth provider ", provider.name, " was issued to another client"));
    }
  }
  if (nonce.has_value()) {
    auto found = claims.find("nonce");
    if (found == claims.end() || !found->is_string() || *found != *nonce) {
      return absl::UnauthenticatedError(
          absl::StrCat("the ID token from auth provider ", provider.name,
                       " does not carry this sign-in's nonce: start again"));
    }
  }
  return verified;
}

void SignInAuthority::FinishSignIn(const AuthProviderEntry& entry, const ProviderTokens& tokens,
                                   const std::optional<std::string>& nonce,
                                   const std::string& session_name, Done<SignedInSession> done) {
  const AuthProvider& provider = entry.provider;
  absl::StatusOr<oidc::VerifiedIdToken> verified = VerifyIdToken(provider, tokens.id_token, nonce);
  if (!verified.ok()) return done(verified.status());
  const FlatClaims claims = oidc::FlattenClaims(verified->claims);
  const std::string person = PersonName(provider, claims, verified->subject);
  std::vector<std::string> roles = RolesFor(entry, claims);
  if (roles.empty()) {
    audit_.Record("session.refused", absl::StrCat("user:", provider.name, ":", verified->subject),
                  provider.id, {{"provider", provider.name}, {"reason", "no role"}});
    return done(absl::PermissionDeniedError(absl::StrCat(
        person, " signed in at ", provider.name,
        ", but no rule of that auth provider gives them a role in Warden: ask an administrator "
        "to add one")));
  }

  SignedInSession session;
  Identity& who = session.identity;
  who.kind = IdentityKind::kUser;
  who.id = absl::StrCat(provider.name, ":", verified->subject);
  who.name = person;
  who.roles = std::move(roles);
  who.auth_provider_id = provider.id;
  who.auth_provider_revision = provider.revision;
  who.claims = UsedClaims(provider, claims);

  const absl::Time now = clock_.Now();
  absl::Duration lifetime = options_.session_lifetime;
  if (tokens.session_lifetime.has_value()) lifetime = std::min(lifetime, *tokens.session_lifetime);
  jose::JwtClaims jwt;
  jwt.issuer = options_.issuer;
  jwt.audience = {options_.audience};
  jwt.id = NewUuidV4();
  jwt.issued_at = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  jwt.not_before = jwt.issued_at;
  jwt.expires_at = jwt.issued_at + lifetime;
  jwt.name = who.name;
  jwt.roles = who.roles;
  jwt.subject = who.id;
  jwt.root = who.Principal();
  jwt.auth_provider_id = provider.id;
  jwt.auth_provider_revision = provider.revision;
  jwt.auth_claims = who.claims;
  absl::StatusOr<std::string> token = jose::SignJwt(signer_.signer(), jwt);
  if (!token.ok()) return done(token.status());
  who.expires_at = jwt.expires_at;
  who.token_id = jwt.id;
  session.token = *std::move(token);
  session.token_id = jwt.id;
  session.expires_at = jwt.expires_at;

  TokenMetadata row;
  row.id = jwt.id;
  row.name = *SessionName(session_name);
  row.roles = jwt.roles;
  row.issued_at = jwt.issued_at;
  row.expires_at = jwt.expires_at;
  row.created_by = who.Principal();
  row.created_by_name = who.name;
  row.root = jwt.root;
  nlohmann::json details = {
      {"provider", provider.name},
      {"roles", jwt.roles},
      {"expiration", absl::FormatTime(absl::RFC3339_sec, jwt.expires_at, absl::UTCTimeZone())}};
  storage::MintConditions conditions;
  conditions.max_live_per_root = options_.max_live_tokens_per_root;
  auto value = std::make_shared<SignedInSession>(std::move(session));
  tokens_.Insert(std::move(row), conditions,
                 [this, value, details = std::move(details), done](absl::Status stored) mutable {
                   if (!stored.ok()) return done(stored);
                   audit_.Record("session.sign_in", value->identity.Principal(), value->token_id,
                                 std::move(details));
                   done(std::move(*value));
                 });
}

}  // namespace warden
