#include "server/m2m/m2m_authority.h"

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "glog/logging.h"
#include "server/auth/privilege_check.h"
#include "server/m2m/m2m_validation.h"
#include "server/oidc/claims.h"
#include "server/oidc/id_token.h"
#include "server/oidc/issuer_token_verifier.h"
#include "validation/jose/jwt.h"

namespace warden {
namespace {

oidc::IssuerType ToIssuerType(M2mType type) {
  switch (type) {
    case M2mType::kGeneric:
      return oidc::IssuerType::kGeneric;
    case M2mType::kGithubActions:
      return oidc::IssuerType::kGithubActions;
    case M2mType::kKubeServiceAccount:
      return oidc::IssuerType::kKubeServiceAccount;
  }
  return oidc::IssuerType::kGeneric;
}

oidc::IssuerSpec SpecFor(const M2mConfig& config, const std::string& ca_file) {
  oidc::IssuerSpec spec;
  spec.issuer = config.issuer;
  spec.type = ToIssuerType(config.type);
  spec.ca_file = ca_file;
  return spec;
}

// The roles the mappings grant.
std::vector<std::string> MappedRoles(const M2mConfig& config) {
  std::vector<std::string> roles;
  for (const M2mMapping& mapping : config.mappings) roles.push_back(mapping.role);
  return roles;
}

// A token name from an ID token's subject: names are 1 to 128 characters (SPEC §1), subjects
// are not bounded. Cut at a character boundary.
std::string TokenNameFor(const std::string& subject) {
  constexpr size_t kMaxChars = 128;
  size_t chars = 0, end = 0;
  while (end < subject.size() && chars < kMaxChars) {
    ++end;
    while (end < subject.size() && (static_cast<unsigned char>(subject[end]) & 0xC0) == 0x80) ++end;
    ++chars;
  }
  return subject.empty() ? std::string("m2m") : subject.substr(0, end);
}

}  // namespace

M2mAuthority::M2mAuthority(storage::M2mConfigRecords& store, M2mView& view,
                           storage::TokenRecords& tokens, const RoleView& roles,
                           oidc::IssuerKeyCache& keys, ThreadPool& blocking_pool,
                           const jose::KeyRing& signer, AuditTrail& audit, const Clock& clock,
                           Options options)
    : store_(store),
      view_(view),
      tokens_(tokens),
      roles_(roles),
      keys_(keys),
      blocking_pool_(blocking_pool),
      signer_(signer),
      audit_(audit),
      clock_(clock),
      options_(std::move(options)) {}

void M2mAuthority::RefreshView(std::function<void(absl::Status)> done) {
  store_.List([this, done = std::move(done)](absl::StatusOr<std::vector<M2mConfig>> configs) {
    if (!configs.ok()) return done(configs.status());
    view_.Replace(std::move(*configs));
    done(absl::OkStatus());
  });
}

void M2mAuthority::List(Done<std::vector<M2mConfig>> done) { store_.List(std::move(done)); }

void M2mAuthority::Get(const std::string& id, Done<M2mConfig> done) {
  if (!IsUuid(id)) return done(absl::InvalidArgumentError("id must be an m2m config id (a UUID)"));
  store_.Get(id, std::move(done));
}

void M2mAuthority::Add(const Identity& caller, M2mConfig config, Done<M2mConfig> done) {
  Store(caller, std::move(config), /*add=*/true, std::move(done));
}

void M2mAuthority::Update(const Identity& caller, M2mConfig config, Done<M2mConfig> done) {
  if (!IsUuid(config.id)) {
    return done(absl::InvalidArgumentError("id must be an m2m config id (a UUID)"));
  }
  Store(caller, std::move(config), /*add=*/false, std::move(done));
}

void M2mAuthority::Store(const Identity& caller, M2mConfig config, bool add, Done<M2mConfig> done) {
  absl::StatusOr<M2mConfig> valid = ValidateM2mConfig(std::move(config));
  if (!valid.ok()) return done(valid.status());
  // Before any fetch: a caller who may not grant the mapped roles learns nothing about the
  // issuer's address. Storage checks again under the roles lock.
  absl::Status grantable =
      CheckRoleNamesGrantable(*roles_.Snapshot(), caller.roles, MappedRoles(*valid));
  if (!grantable.ok()) return done(grantable);
  storage::RoleWriter writer{caller.roles, CheckRolesGrantable};
  auto task = [this, add, actor = caller.Principal(), config = std::move(*valid),
               writer = std::move(writer), done]() mutable {
    // The keys must be reachable before the configuration is trusted: nothing is stored
    // otherwise, and an existing configuration keeps working.
    absl::Status fetched = keys_.Prefetch(SpecFor(config, options_.issuer_ca_file));
    if (!fetched.ok()) {
      return done(
          absl::Status(fetched.code(), absl::StrCat("cannot fetch the keys of issuer ",
                                                    config.issuer, ": ", fetched.message())));
    }
    auto stored = [this, add, actor, done](absl::StatusOr<M2mConfig> result) {
      if (!result.ok()) return done(std::move(result));
      audit_.Record(add ? "m2m_config.add" : "m2m_config.update", actor, result->id,
                    {{"issuer", result->issuer}});
      auto value = std::make_shared<M2mConfig>(std::move(*result));
      RefreshView([done, value](absl::Status refreshed) {
        if (!refreshed.ok()) LOG(WARNING) << "m2m view reload failed: " << refreshed.message();
        done(std::move(*value));
      });
    };
    if (add) {
      store_.Add(std::move(config), std::move(writer), std::move(stored));
    } else {
      store_.Update(std::move(config), std::move(writer), std::move(stored));
    }
  };
  // Never wait for room: the caller is a gRPC reactor.
  if (absl::Status queued = blocking_pool_.TrySubmit(std::move(task)); !queued.ok()) done(queued);
}

void M2mAuthority::Delete(const Identity& caller, const std::string& id,
                          std::function<void(absl::Status)> done) {
  if (!IsUuid(id)) return done(absl::InvalidArgumentError("id must be an m2m config id (a UUID)"));
  std::shared_ptr<const M2mSnapshot> before = view_.Snapshot();
  const M2mEntry* entry = before->FindById(id);
  std::optional<oidc::IssuerSpec> spec;
  if (entry != nullptr) spec = SpecFor(entry->config, options_.issuer_ca_file);
  store_.Delete(id, [this, spec, id, actor = caller.Principal(),
                     done = std::move(done)](absl::Status deleted) {
    if (!deleted.ok()) return done(deleted);
    audit_.Record("m2m_config.delete", actor, id);
    if (spec.has_value()) keys_.Forget(*spec);
    RefreshView([done](absl::Status refreshed) {
      if (!refreshed.ok()) LOG(WARNING) << "m2m view reload failed: " << refreshed.message();
      done(absl::OkStatus());
    });
  });
}

absl::StatusOr<M2mAuthority::Verified> M2mAuthority::Verify(std::string_view id_token) const {
  absl::StatusOr<std::string> issuer = oidc::PeekIssuer(id_token);
  if (!issuer.ok()) return issuer.status();
  std::shared_ptr<const M2mSnapshot> snapshot = view_.Snapshot();
  const M2mEntry* entry = snapshot->FindByIssuer(*issuer);
  if (entry == nullptr) {
    return absl::NotFoundError("no m2m config trusts the token's issuer");
  }
  oidc::IdTokenExpectations expect;
  expect.issuer = entry->config.issuer;
  expect.audiences = entry->config.audiences;
  expect.allow_any_audience = entry->config.allow_any_audience;
  expect.leeway = options_.leeway;
  absl::StatusOr<oidc::VerifiedIdToken> verified = oidc::VerifyIssuerIdToken(
      keys_, SpecFor(entry->config, options_.issuer_ca_file), id_token, expect, clock_.Now());
  if (!verified.ok()) return verified.status();
  std::vector<std::string> roles = entry->matcher->Roles(oidc::FlattenClaims(verified->claims));
  if (roles.empty()) {
    return absl::UnauthenticatedError("no mapping of the m2m config matches the token's claims");
  }
  Verified out;
  out.config_id = entry->config.id;
  out.identity.kind = IdentityKind::kM2m;
  out.identity.id = absl::StrCat(entry->config.id, ":", verified->subject);
  out.identity.name = verified->subject;
  out.identity.roles = std::move(roles);
  out.identity.expires_at = verified->expires_at;
  out.identity.m2m_config_id = entry->config.id;
  out.identity.m2m_revision = entry->config.revision;
  return out;
}

void M2mAuthority::AuthenticateIdToken(std::string id_token, Done<Identity> done) const {
  // Only a token whose issuer is configured goes to the pool: anything else is answered here,
  // so that junk bearer tokens cost no queue place.
  absl::StatusOr<std::string> issuer = oidc::PeekIssuer(id_token);
  if (!issuer.ok()) return done(issuer.status());
  if (view_.Snapshot()->FindByIssuer(*issuer) == nullptr) {
    return done(absl::NotFoundError("no m2m config trusts the token's issuer"));
  }
  auto task = [this, id_token = std::move(id_token), done]() {
    absl::StatusOr<Verified> verified = Verify(id_token);
    if (!verified.ok()) return done(verified.status());
    done(std::move(verified->identity));
  };
  if (absl::Status queued = blocking_pool_.TrySubmit(std::move(task)); !queued.ok()) done(queued);
}

void M2mAuthority::Exchange(std::string id_token, Done<ExchangedToken> done) {
  auto task = [this, id_token = std::move(id_token), done]() {
    absl::StatusOr<Verified> verified = Verify(id_token);
    if (!verified.ok()) {
      absl::Status s = verified.status();
      // An issuer nobody configured is a credential problem, not a missing resource.
      if (absl::IsNotFound(s)) s = absl::UnauthenticatedError(s.message());
      return done(s);
    }
    Issue(*std::move(verified), done);
  };
  // Never wait for room: the caller is a gRPC reactor.
  if (absl::Status queued = blocking_pool_.TrySubmit(std::move(task)); !queued.ok()) done(queued);
}

void M2mAuthority::Issue(Verified verified, Done<ExchangedToken> done) {
  std::shared_ptr<const M2mSnapshot> snapshot = view_.Snapshot();  // keeps `entry` alive
  const M2mEntry* entry = snapshot->FindById(verified.config_id);
  if (entry == nullptr) return done(absl::UnauthenticatedError("the m2m config was deleted"));
  const Identity& who = verified.identity;
  absl::Time now = clock_.Now();
  jose::JwtClaims claims;
  claims.issuer = options_.issuer;
  claims.audience = {options_.audience};
  claims.id = NewUuidV4();
  claims.issued_at = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  claims.not_before = claims.issued_at;
  claims.expires_at = claims.issued_at + entry->config.token_lifetime;
  claims.name = who.name;
  claims.roles = who.roles;
  claims.subject = who.name;
  claims.m2m_config_id = entry->config.id;
  claims.m2m_revision = entry->config.revision;
  claims.root = who.Root();
  absl::StatusOr<std::string> token = jose::SignJwt(signer_.signer(), claims);
  if (!token.ok()) return done(token.status());

  TokenMetadata row;
  row.id = claims.id;
  row.name = TokenNameFor(claims.subject);
  row.roles = claims.roles;
  row.issued_at = claims.issued_at;
  row.expires_at = claims.expires_at;
  row.created_by = who.Principal();
  row.created_by_name = who.name;
  row.root = claims.root;
  nlohmann::json details = {
      {"m2m_config_id", claims.m2m_config_id},
      {"roles", claims.roles},
      {"expiration", absl::FormatTime(absl::RFC3339_sec, claims.expires_at, absl::UTCTimeZone())}};
  ExchangedToken exchanged{std::move(*token), claims.expires_at};
  storage::MintConditions conditions;
  conditions.max_live_per_root = options_.max_live_tokens_per_root;
  tokens_.Insert(std::move(row), conditions,
                 [this, actor = who.Principal(), id = claims.id, details = std::move(details),
                  exchanged = std::move(exchanged), done](absl::Status stored) mutable {
                   if (!stored.ok()) return done(stored);
                   audit_.Record("token.exchange", actor, id, std::move(details));
                   done(std::move(exchanged));
                 });
}

}  // namespace warden
