#include "server/api/token_api.h"

#include "proto/convert/convert.h"

namespace warden {

void TokenApi::GenerateToken(const Identity& caller, const v1::GenerateTokenRequest& request,
                             v1::GenerateTokenResponse* response, ApiDone done) {
  MintRequest mint;
  mint.name = request.name();
  mint.roles.assign(request.roles().begin(), request.roles().end());
  if (request.has_expiration()) {
    absl::StatusOr<absl::Time> expiration = FromProto(request.expiration(), "expiration");
    if (!expiration.ok()) return done(expiration.status());
    mint.expiration = *expiration;
  }
  mint.description = request.description();
  tokens_.Mint(caller, std::move(mint),
               Reply<MintedToken>(std::move(done), [response](MintedToken& minted) {
                 response->set_token(std::move(minted.token));
                 ToProto(minted.metadata, response->mutable_metadata());
               }));
}

void TokenApi::GetToken(const Identity&, const v1::GetTokenRequest& request,
                        v1::GetTokenResponse* response, ApiDone done) {
  tokens_.Get(request.id(), Reply<TokenMetadata>(std::move(done), [response](TokenMetadata& t) {
                ToProto(t, response->mutable_token());
              }));
}

void TokenApi::ListTokens(const Identity&, const v1::ListTokensRequest& request,
                          v1::ListTokensResponse* response, ApiDone done) {
  TokenListRequest list;
  if (request.has_revoked()) list.revoked = request.revoked();
  list.include_expired = request.include_expired();
  if (request.has_unused_since()) {
    absl::StatusOr<absl::Time> unused_since = FromProto(request.unused_since(), "unused_since");
    if (!unused_since.ok()) return done(unused_since.status());
    list.unused_since = *unused_since;
  }
  list.created_by = request.created_by();
  list.page_size = request.page_size();
  list.page_token = request.page_token();
  tokens_.List(list, Reply<TokenList>(std::move(done), [response](TokenList& page) {
                 for (const TokenMetadata& t : page.tokens) ToProto(t, response->add_tokens());
                 response->set_next_page_token(page.next_page_token);
               }));
}

void TokenApi::RevokeToken(const Identity& caller, const v1::RevokeTokenRequest& request,
                           v1::RevokeTokenResponse* response, ApiDone done) {
  RevokeRequest revoke{request.id(), request.created_by(), request.cascade()};
  tokens_.RevokeTree(caller, std::move(revoke),
                     Reply<RevokeOutcome>(std::move(done), [response](RevokeOutcome& outcome) {
                       if (outcome.token.has_value()) {
                         ToProto(*outcome.token, response->mutable_token());
                       }
                       response->set_revoked_count(outcome.revoked_count);
                     }));
}

void TokenApi::RotateToken(const Identity& caller, const v1::RotateTokenRequest& request,
                           v1::RotateTokenResponse* response, ApiDone done) {
  RotateRequest rotate;
  rotate.id = request.id();
  if (request.has_overlap()) {
    absl::StatusOr<absl::Duration> overlap = FromProto(request.overlap(), "overlap");
    if (!overlap.ok()) return done(overlap.status());
    rotate.overlap = *overlap;
  }
  if (request.has_expiration()) {
    absl::StatusOr<absl::Time> expiration = FromProto(request.expiration(), "expiration");
    if (!expiration.ok()) return done(expiration.status());
    rotate.expiration = *expiration;
  }
  tokens_.Rotate(caller, std::move(rotate),
                 Reply<RotatedToken>(std::move(done), [response](RotatedToken& rotated) {
                   response->set_token(std::move(rotated.token));
                   ToProto(rotated.successor, response->mutable_metadata());
                   ToProto(rotated.replaced, response->mutable_previous());
                 }));
}

void TokenApi::ListAllowedTokenRoles(const Identity& caller,
                                     const v1::ListAllowedTokenRolesRequest&,
                                     v1::ListAllowedTokenRolesResponse* response, ApiDone done) {
  for (std::string& name : tokens_.AllowedRoles(caller)) response->add_role_names(name);
  response->mutable_default_lifetime()->set_seconds(
      absl::ToInt64Seconds(tokens_.default_lifetime()));
  response->mutable_max_lifetime()->set_seconds(absl::ToInt64Seconds(tokens_.max_lifetime()));
  done(absl::OkStatus());
}

void TokenApi::ListExpiringTokens(const Identity&, const v1::ListExpiringTokensRequest& request,
                                  v1::ListExpiringTokensResponse* response, ApiDone done) {
  ExpiringListRequest list;
  if (request.has_within()) {
    list.within =
        absl::Seconds(request.within().seconds()) + absl::Nanoseconds(request.within().nanos());
  }
  list.page_size = request.page_size();
  list.page_token = request.page_token();
  tokens_.ListExpiring(list, Reply<ExpiringList>(std::move(done), [response](ExpiringList& page) {
                         for (const auto& [token, left] : page.tokens) {
                           v1::ExpiringToken* out = response->add_tokens();
                           ToProto(token, out->mutable_token());
                           ToProto(left, out->mutable_time_left());
                         }
                         response->set_next_page_token(page.next_page_token);
                         ToProto(page.within, response->mutable_within());
                       }));
}

}  // namespace warden
