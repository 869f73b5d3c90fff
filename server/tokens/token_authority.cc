#include "server/tokens/token_authority.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "domain/names.h"
#include "server/auth/privilege_check.h"
#include "storage/token_cursor.h"
#include "validation/jose/jwt.h"

namespace warden {
namespace {

// Longer than any principal Warden makes ("user:<provider>:<sub>" with a 255-byte sub).
constexpr size_t kMaxCreatedByLength = 1024;

absl::Status CheckTokenId(const std::string& id) {
  if (!IsUuid(id)) {
    return absl::InvalidArgumentError(
        "id must be a token id (a UUID such as "
        "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b)");
  }
  return absl::OkStatus();
}

// The roles behind `names`, or INVALID_ARGUMENT naming every unknown one.
absl::StatusOr<std::vector<const Role*>> LookUpRoles(const RoleSnapshot& snapshot,
                                                     const std::vector<std::string>& names) {
  std::vector<const Role*> roles;
  std::vector<std::string> unknown;
  for (const std::string& name : names) {
    // A name no role can have (1 MB, NUL bytes) is refused without echoing it.
    if (absl::Status valid = ValidateName(name, "role name"); !valid.ok()) return valid;
    if (const Role* role = snapshot.Find(name)) {
      roles.push_back(role);
    } else {
      unknown.push_back(name);
    }
  }
  if (!unknown.empty()) {
    // Name the first few only: a request naming 10,000 roles must not get them all back (a
    // status message travels in a header, whose size the client limits).
    constexpr size_t kNamed = 10;
    std::string named = absl::StrJoin(
        unknown.begin(), unknown.begin() + static_cast<ptrdiff_t>(std::min(unknown.size(), kNamed)),
        ", ");
    if (unknown.size() > kNamed) absl::StrAppend(&named, " and ", unknown.size() - kNamed, " more");
    return absl::InvalidArgumentError(absl::StrCat("unknown role(s): ", named));
  }
  return roles;
}

// The creator's own roles that still exist. A creator's deleted role grants nothing.
std::vector<const Role*> HeldRoles(const RoleSnapshot& snapshot, const Identity& who) {
  std::vector<const Role*> held;
  for (const std::string& name : who.roles) {
    if (const Role* role = snapshot.Find(name)) held.push_back(role);
  }
  return held;
}

}  // namespace

TokenAuthority::TokenAuthority(storage::TokenRecords& store, const jose::KeyRing& keys,
                               const RoleView& roles, RevocationView& revocations,
                               AuditTrail& audit, const Clock& clock, TokenPolicy policy,
                               ReloadRoles reload_roles)
    : store_(store),
      keys_(keys),
      roles_(roles),
      revocations_(revocations),
      audit_(audit),
      clock_(clock),
      policy_(std::move(policy)),
      reload_roles_(std::move(reload_roles)) {}

absl::StatusOr<absl::Time> TokenAuthority::ResolveExpiration(
    const std::optional<absl::Time>& requested, absl::Time now,
    const std::optional<absl::Time>& ceiling) const {
  if (!requested.has_value()) {
    absl::Time expiration = now + default_lifetime();
    if (ceiling.has_value()) expiration = std::min(expiration, *ceiling);
    if (expiration <= now) return absl::UnauthenticatedError("the caller's identity has expired");
    return expiration;
  }
  if (ceiling.has_value() && *requested > *ceiling) {
    return absl::InvalidArgumentError(
        absl::StrCat("a token minted by a short-lived (M2M) identity cannot outlive it: the latest "
                     "expiration allowed is ",
                     absl::FormatTime(absl::RFC3339_sec, *ceiling, absl::UTCTimeZone())));
  }
  if (*requested <= now) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expiration ", absl::FormatTime(*requested, absl::UTCTimeZone()), " is in the past"));
  }
  if (*requested > now + policy_.max_lifetime) {
    return absl::InvalidArgumentError(
        absl::StrCat("expiration is beyond the maximum token lifetime of ",
                     absl::FormatDuration(policy_.max_lifetime), " from now"));
  }
  return *requested;
}

struct TokenAuthority::MintJob {
  Identity creator;
  std::string name;
  std::vector<std::string> roles;
  std::string description;
  absl::Time now;
  absl::Time expiration;
  int attempts_left = kMintAttempts;
  std::function<void(absl::StatusOr<MintedToken>)> done;  // a mint's
  // A rotation's: the token it replaces, when that stops working, and where the answer goes.
  std::string replaces;
  absl::Time cut_at;
  std::function<void(absl::StatusOr<RotatedToken>)> rotated;

  void Fail(absl::Status status) {
    if (rotated) return rotated(std::move(status));
    done(std::move(status));
  }
};

void TokenAuthority::Mint(const Identity& creator, MintRequest request,
                          std::function<void(absl::StatusOr<MintedToken>)> done) {
  absl::Status name_ok = ValidateName(request.name, "token name");
  if (!name_ok.ok()) return done(name_ok);
  absl::Status description_ok =
      ValidatePrintable(request.description, "description", kMaxTokenDescriptionLength);
  if (!description_ok.ok()) return done(description_ok);
  if (request.roles.empty())
    return done(absl::InvalidArgumentError("at least one role is required"));
  auto job = std::make_shared<MintJob>();
  // Duplicates add nothing; keep the first occurrence's order.
  std::set<std::string> seen;
  for (std::string& role : request.roles) {
    if (seen.insert(role).second) job->roles.push_back(std::move(role));
  }
  job->now = clock_.Now();
  absl::StatusOr<absl::Time> expiration =
      ResolveExpiration(request.expiration, job->now, creator.MintCeiling());
  if (!expiration.ok()) return done(expiration.status());
  job->expiration = *expiration;
  job->creator = creator;
  job->name = std::move(request.name);
  job->description = std::move(request.description);
  job->done = std::move(done);
  MintAttempt(std::move(job));
}

void TokenAuthority::Rotate(const Identity& caller, RotateRequest request,
                            std::function<void(absl::StatusOr<RotatedToken>)> done) {
  absl::Status id_ok = CheckTokenId(request.id);
  if (!id_ok.ok()) return done(id_ok);
  const absl::Duration overlap = request.overlap.value_or(kDefaultOverlap);
  if (overlap < absl::ZeroDuration() || overlap > kMaxOverlap) {
    return done(absl::InvalidArgumentError(
        absl::StrCat("overlap must be between 0s and ", absl::FormatDuration(kMaxOverlap))));
  }
  const absl::Time now = clock_.Now();
  std::optional<absl::Time> requested = request.expiration;
  if (requested.has_value()) {
    absl::StatusOr<absl::Time> expiration = ResolveExpiration(requested, now, caller.MintCeiling());
    if (!expiration.ok()) return done(expiration.status());
  }
  store_.Get(request.id, [this, caller, now, overlap, requested,
                          done = std::move(done)](absl::StatusOr<TokenMetadata> replaced) mutable {
    if (!replaced.ok()) return done(replaced.status());
    auto job = std::make_shared<MintJob>();
    job->now = now;
    if (requested.has_value()) {
      job->expiration = *requested;
    } else {
      // The same lifetime from now, within what a new token may have.
      const absl::Duration lifetime =
          std::min(replaced->SignedExpiry() - replaced->issued_at, policy_.max_lifetime);
      job->expiration = now + lifetime;
      if (const std::optional<absl::Time> ceiling = caller.MintCeiling()) {
        job->expiration = std::min(job->expiration, *ceiling);
      }
      if (job->expiration <= now) {
        return done(absl::UnauthenticatedError("the caller's identity has expired"));
      }
    }
    job->creator = caller;
    job->name = replaced->name;
    job->roles = replaced->roles;
    job->description = replaced->description;
    job->replaces = replaced->id;
    job->cut_at = now + overlap;
    job->rotated = std::move(done);
    MintAttempt(std::move(job));
  });
}

void TokenAuthority::MintAttempt(std::shared_ptr<MintJob> job) {
  std::shared_ptr<const RoleSnapshot> snapshot = roles_.Snapshot();
  absl::StatusOr<std::vector<const Role*>> requested = LookUpRoles(*snapshot, job->roles);
  if (!requested.ok()) {
    if (!job->rotated) return job->done(requested.status());
    // The roles are the token's, not the caller's request.
    return job->Fail(absl::FailedPreconditionError(
        absl::StrCat("the token cannot be rotated: ", requested.status().message())));
  }
  absl::Status allowed = CheckNoEscalation(HeldRoles(*snapshot, job->creator), *requested);
  if (!allowed.ok()) return job->Fail(allowed);

  // JWT times are whole seconds; the metadata says exactly what the token says.
  const Identity& creator = job->creator;
  jose::JwtClaims claims;
  claims.issuer = policy_.issuer;
  claims.audience = {policy_.audience};
  claims.id = NewUuidV4();
  claims.issued_at = absl::FromUnixSeconds(absl::ToUnixSeconds(job->now));
  claims.not_before = claims.issued_at;
  claims.expires_at = absl::FromUnixSeconds(absl::ToUnixSeconds(job->expiration));
  claims.name = job->name;
  claims.roles = job->roles;
  claims.m2m_config_id = creator.m2m_config_id;
  claims.m2m_revision = creator.m2m_revision;
  claims.root = creator.Root();
  absl::StatusOr<std::string> token = jose::SignJwt(keys_.signer(), claims);
  if (!token.ok()) return job->Fail(token.status());

  MintedToken minted;
  minted.token = std::move(*token);
  minted.metadata.id = claims.id;
  minted.metadata.name = job->name;
  minted.metadata.roles = job->roles;
  minted.metadata.issued_at = job->now;
  minted.metadata.expires_at = claims.expires_at;
  minted.metadata.created_by = creator.Principal();
  minted.metadata.created_by_name = creator.name;
  minted.metadata.root = claims.root;
  minted.metadata.description = job->description;
  minted.metadata.rotated_from = job->replaces;
  TokenMetadata row = minted.metadata;
  storage::MintConditions conditions;
  conditions.max_live_per_root = policy_.max_live_tokens_per_creator;
  // Generation 0: a view never loaded from storage (tests); nothing to compare.
  if (snapshot->generation() != 0) conditions.role_generation = snapshot->generation();
  if (job->rotated) {
    storage::Rotation rotation{job->replaces, std::move(row), conditions, job->cut_at};
    return store_.Rotate(std::move(rotation),
                         [this, job, minted = std::move(minted)](
                             absl::StatusOr<storage::RotatedTokens> rotated) mutable {
                           if (!rotated.ok()) {
                             if (!RetryStale(job, rotated.status())) job->Fail(rotated.status());
                             return;
                           }
                           FinishRotation(job, std::move(minted), *std::move(rotated));
                         });
  }
  store_.Insert(std::move(row), conditions,
                [this, job, minted = std::move(minted)](absl::Status stored) mutable {
                  if (stored.ok()) {
                    RecordCreate(minted.metadata);
                    return job->done(std::move(minted));
                  }
                  if (!RetryStale(job, stored)) job->done(stored);
                });
}

void TokenAuthority::RecordCreate(const TokenMetadata& t) {
  nlohmann::json details = {
      {"name", t.name},
      {"roles", t.roles},
      {"expiration", absl::FormatTime(absl::RFC3339_sec, t.expires_at, absl::UTCTimeZone())}};
  if (!t.description.empty()) details["description"] = t.description;
  if (!t.rotated_from.empty()) details["rotated_from"] = t.rotated_from;
  audit_.Record("token.create", t.created_by, t.id, std::move(details));
}

bool TokenAuthority::RetryStale(const std::shared_ptr<MintJob>& job, const absl::Status& stored) {
  if (!absl::IsAborted(stored) || --job->attempts_left <= 0 || !reload_roles_) return false;
  // A role write committed after our snapshot: check again on fresh roles.
  reload_roles_([this, job](absl::Status reloaded) {
    if (!reloaded.ok()) return job->Fail(reloaded);
    MintAttempt(job);
  });
  return true;
}

void TokenAuthority::FinishRotation(const std::shared_ptr<MintJob>& job, MintedToken minted,
                                    storage::RotatedTokens rotated) {
  const TokenMetadata& replaced = rotated.replaced;
  // Committed: this replica refuses the replaced token from the end of the overlap on.
  if (replaced.signed_expires_at.has_value()) {
    revocations_.Add(replaced.id, replaced.SignedExpiry(), replaced.expires_at);
  }
  const TokenMetadata& t = minted.metadata;
  RecordCreate(t);
  audit_.Record("token.rotate", t.created_by, replaced.id,
                {{"name", replaced.name},
                 {"rotated_to", t.id},
                 {"expiration",
                  absl::FormatTime(absl::RFC3339_sec, replaced.expires_at, absl::UTCTimeZone())}});
  job->rotated(RotatedToken{std::move(minted.token), t, replaced});
}

void TokenAuthority::Get(const std::string& id,
                         std::function<void(absl::StatusOr<TokenMetadata>)> done) {
  absl::Status id_ok = CheckTokenId(id);
  if (!id_ok.ok()) return done(id_ok);
  store_.Get(id, std::move(done));
}

absl::StatusOr<int> TokenAuthority::ResolvePageSize(int page_size) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be between 1 and ", kMaxPageSize,
                                                   " (0 means ", kDefaultPageSize, ")"));
  }
  return page_size == 0 ? kDefaultPageSize : page_size;
}

void TokenAuthority::List(const TokenListRequest& request,
                          std::function<void(absl::StatusOr<TokenList>)> done) {
  absl::StatusOr<int> page_size = ResolvePageSize(request.page_size);
  if (!page_size.ok()) return done(page_size.status());
  storage::TokenListQuery query;
  query.revoked = request.revoked;
  query.include_expired = request.include_expired;
  query.unused_since = request.unused_since;
  if (!request.created_by.empty()) {
    absl::Status creator_ok =
        ValidatePrintable(request.created_by, "created_by", kMaxCreatedByLength);
    if (!creator_ok.ok()) return done(creator_ok);
  }
  query.created_by = request.created_by;
  query.now = clock_.Now();
  query.page_size = *page_size;
  if (!request.page_token.empty()) {
    absl::StatusOr<storage::TokenCursor> cursor = storage::DecodeCursor(request.page_token);
    if (!cursor.ok()) return done(cursor.status());
    query.after = *cursor;
  }
  store_.List(query, [done = std::move(done)](absl::StatusOr<storage::TokenPage> page) {
    if (!page.ok()) return done(page.status());
    TokenList list;
    list.tokens = std::move(page->tokens);
    if (page->next.has_value()) list.next_page_token = storage::EncodeCursor(*page->next);
    done(std::move(list));
  });
}

void TokenAuthority::ListExpiring(const ExpiringListRequest& request,
                                  std::function<void(absl::StatusOr<ExpiringList>)> done) {
  absl::StatusOr<int> page_size = ResolvePageSize(request.page_size);
  if (!page_size.ok()) return done(page_size.status());
  absl::Duration within = request.within.value_or(policy_.expiring_window);
  if (within < absl::Seconds(1) || within > absl::Hours(8760)) {
    return done(absl::InvalidArgumentError("within must be between 1s and 8760h"));
  }
  std::optional<storage::ExpiringCursor> after;
  if (!request.page_token.empty()) {
    // The same opaque (time, id) encoding as ListTokens' page tokens.
    absl::StatusOr<storage::TokenCursor> cursor = storage::DecodeCursor(request.page_token);
    if (!cursor.ok()) return done(cursor.status());
    after = storage::ExpiringCursor{cursor->issued_at, cursor->id};
  }
  absl::Time now = clock_.Now();
  store_.ListExpiring(
      now, now + within, after, *page_size,
      [now, within, done = std::move(done)](absl::StatusOr<storage::ExpiringPage> page) {
        if (!page.ok()) return done(page.status());
        ExpiringList list;
        list.within = within;
        for (TokenMetadata& token : page->tokens) {
          absl::Duration left = token.expires_at - now;
          list.tokens.emplace_back(std::move(token), left);
        }
        if (page->next.has_value()) {
          list.next_page_token =
              storage::EncodeCursor(storage::TokenCursor{page->next->expires_at, page->next->id});
        }
        done(std::move(list));
      });
}

void TokenAuthority::Revoke(const Identity& caller, const std::string& id,
                            std::function<void(absl::StatusOr<TokenMetadata>)> done) {
  absl::Status id_ok = CheckTokenId(id);
  if (!id_ok.ok()) return done(id_ok);
  store_.Revoke(id, clock_.Now(),
                [this, actor = caller.Principal(),
                 done = std::move(done)](absl::StatusOr<TokenMetadata> revoked) {
                  if (revoked.ok()) {
                    // Committed: make this replica reject the token before answering.
                    revocations_.Add(revoked->id, revoked->expires_at);
                    audit_.Record("token.revoke", actor, revoked->id, {{"name", revoked->name}});
                  }
                  done(std::move(revoked));
                });
}

void TokenAuthority::RevokeTree(const Identity& caller, RevokeRequest request,
                                std::function<void(absl::StatusOr<RevokeOutcome>)> done) {
  if (request.id.empty() == request.created_by.empty()) {
    return done(absl::InvalidArgumentError("give either a token id or created_by, not both"));
  }
  if (!request.id.empty()) {
    absl::Status id_ok = CheckTokenId(request.id);
    if (!id_ok.ok()) return done(id_ok);
  } else {
    absl::Status creator_ok =
        ValidatePrintable(request.created_by, "created_by", kMaxCreatedByLength);
    if (!creator_ok.ok()) return done(creator_ok);
  }
  std::string seed = request.id.empty() ? request.created_by : request.id;
  storage::RevokeScope scope{std::move(request.id), std::move(request.created_by), request.cascade};
  store_.RevokeTree(
      std::move(scope), clock_.Now(),
      [this, actor = caller.Principal(), seed = std::move(seed),
       done = std::move(done)](absl::StatusOr<storage::RevokedTree> tree) {
        if (!tree.ok()) return done(tree.status());
        RevokeOutcome outcome;
        outcome.token = std::move(tree->token);
        outcome.revoked_count = static_cast<int64_t>(tree->newly_revoked.size());
        // Committed: make this replica reject them before answering.
        for (const storage::RevokedToken& revoked : tree->newly_revoked) {
          revocations_.Add(revoked.id, revoked.expires_at);
          if (outcome.token.has_value() && revoked.id == outcome.token->id) {
            audit_.Record("token.revoke", actor, revoked.id, {{"name", outcome.token->name}});
          } else {
            audit_.Record("token.revoke", actor, revoked.id, {{"cascade_from", seed}});
          }
        }
        done(std::move(outcome));
      });
}

std::vector<std::string> TokenAuthority::AllowedRoles(const Identity& caller) const {
  std::shared_ptr<const RoleSnapshot> snapshot = roles_.Snapshot();
  std::vector<const Role*> held = HeldRoles(*snapshot, caller);
  std::vector<std::string> allowed;
  for (const auto& [name, role] : snapshot->all()) {
    if (name == kNoneRoleName) continue;
    if (FindEscalations(held, {&role}).empty()) allowed.push_back(name);
  }
  return allowed;  // the snapshot's map is ordered by name
}

}  // namespace warden
