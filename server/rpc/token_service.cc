#include "server/rpc/token_service.h"

#include "server/rpc/convert.h"
#include "server/rpc/reactor.h"

namespace warden {
TokenServiceImpl::TokenServiceImpl(const CallGate& gate, TokenAuthority& authority,
                                   AuditLog& audit)
    : gate_(gate), authority_(authority), audit_(audit) {}

grpc::ServerUnaryReactor* TokenServiceImpl::GenerateToken(grpc::CallbackServerContext* context,
                                                          const v1::GenerateTokenRequest* request,
                                                          v1::GenerateTokenResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "TokenService.GenerateToken");
  if (!caller.ok()) return FinishNow(context, caller.status());
  MintRequest mint;
  mint.name = request->name();
  mint.roles.assign(request->roles().begin(), request->roles().end());
  if (request->has_expiration()) {
    absl::StatusOr<absl::Time> expiration = FromProto(request->expiration(), "expiration");
    if (!expiration.ok()) return FinishNow(context, expiration.status());
    mint.expiration = *expiration;
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  authority_.Mint(*caller, std::move(mint),
                  FinishWith<MintedToken>(reactor, [this, response, actor = caller->Principal()](
                                                       MintedToken& minted) {
                    audit_.Record("token.create", actor, minted.metadata.id,
                                  {{"name", minted.metadata.name},
                                   {"roles", minted.metadata.roles},
                                   {"expiration", absl::FormatTime(absl::RFC3339_sec, minted.metadata.expires_at, absl::UTCTimeZone())}});
                    response->set_token(std::move(minted.token));
                    ToProto(minted.metadata, response->mutable_metadata());
                  }));
  return reactor;
}

grpc::ServerUnaryReactor* TokenServiceImpl::GetToken(grpc::CallbackServerContext* context,
                                                     const v1::GetTokenRequest* request,
                                                     v1::GetTokenResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "TokenService.GetToken");
  if (!caller.ok()) return FinishNow(context, caller.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  authority_.Get(request->id(), FinishWith<TokenMetadata>(reactor, [response](TokenMetadata& t) {
                   ToProto(t, response->mutable_token());
                 }));
  return reactor;
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListTokens(grpc::CallbackServerContext* context,
                                                       const v1::ListTokensRequest* request,
                                                       v1::ListTokensResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "TokenService.ListTokens");
  if (!caller.ok()) return FinishNow(context, caller.status());
  TokenListRequest list;
  if (request->has_revoked()) list.revoked = request->revoked();
  list.include_expired = request->include_expired();
  if (request->has_unused_since()) {
    absl::StatusOr<absl::Time> unused_since = FromProto(request->unused_since(), "unused_since");
    if (!unused_since.ok()) return FinishNow(context, unused_since.status());
    list.unused_since = *unused_since;
  }
  list.page_size = request->page_size();
  list.page_token = request->page_token();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  authority_.List(list, FinishWith<TokenList>(reactor, [response](TokenList& page) {
                    for (const TokenMetadata& t : page.tokens) ToProto(t, response->add_tokens());
                    response->set_next_page_token(page.next_page_token);
                  }));
  return reactor;
}

grpc::ServerUnaryReactor* TokenServiceImpl::RevokeToken(grpc::CallbackServerContext* context,
                                                        const v1::RevokeTokenRequest* request,
                                                        v1::RevokeTokenResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "TokenService.RevokeToken");
  if (!caller.ok()) return FinishNow(context, caller.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  authority_.Revoke(request->id(),
                    FinishWith<TokenMetadata>(reactor, [this, response, actor = caller->Principal()](
                                                           TokenMetadata& t) {
                      audit_.Record("token.revoke", actor, t.id, {{"name", t.name}});
                      ToProto(t, response->mutable_token());
                    }));
  return reactor;
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListAllowedTokenRoles(
    grpc::CallbackServerContext* context, const v1::ListAllowedTokenRolesRequest* request,
    v1::ListAllowedTokenRolesResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "TokenService.ListAllowedTokenRoles");
  if (!caller.ok()) return FinishNow(context, caller.status());
  for (std::string& name : authority_.AllowedRoles(*caller)) response->add_role_names(name);
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListExpiringTokens(
    grpc::CallbackServerContext* context, const v1::ListExpiringTokensRequest* request,
    v1::ListExpiringTokensResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "TokenService.ListExpiringTokens");
  if (!caller.ok()) return FinishNow(context, caller.status());
  ExpiringListRequest list;
  if (request->has_within()) {
    list.within = absl::Seconds(request->within().seconds()) +
                  absl::Nanoseconds(request->within().nanos());
  }
  list.page_size = request->page_size();
  list.page_token = request->page_token();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  authority_.ListExpiring(list, FinishWith<ExpiringList>(reactor, [response](ExpiringList& page) {
                            for (const auto& [token, left] : page.tokens) {
                              v1::ExpiringToken* out = response->add_tokens();
                              ToProto(token, out->mutable_token());
                              ToProto(left, out->mutable_time_left());
                            }
                            response->set_next_page_token(page.next_page_token);
                            ToProto(page.within, response->mutable_within());
                          }));
  return reactor;
}

}  // namespace warden
