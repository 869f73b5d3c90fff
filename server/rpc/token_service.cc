#include "server/rpc/token_service.h"

#include "proto/convert/convert.h"
#include "server/rpc/reactor.h"

namespace warden {
TokenServiceImpl::TokenServiceImpl(const CallGate& gate, TokenAuthority& authority, AuditLog& audit)
    : gate_(gate), authority_(authority), audit_(audit) {}

grpc::ServerUnaryReactor* TokenServiceImpl::GenerateToken(grpc::CallbackServerContext* context,
                                                          const v1::GenerateTokenRequest* request,
                                                          v1::GenerateTokenResponse* response) {
  return AdmitThen(
      gate_, context, "TokenService.GenerateToken",
      [this, request, response](auto* reactor, const Identity& caller) {
        MintRequest mint;
        mint.name = request->name();
        mint.roles.assign(request->roles().begin(), request->roles().end());
        if (request->has_expiration()) {
          absl::StatusOr<absl::Time> expiration = FromProto(request->expiration(), "expiration");
          if (!expiration.ok()) return Finish(reactor, expiration.status());
          mint.expiration = *expiration;
        }
        authority_.Mint(
            caller, std::move(mint),
            FinishWith<MintedToken>(reactor, [this, response,
                                              actor = caller.Principal()](MintedToken& minted) {
              audit_.Record(
                  "token.create", actor, minted.metadata.id,
                  {{"name", minted.metadata.name},
                   {"roles", minted.metadata.roles},
                   {"expiration", absl::FormatTime(absl::RFC3339_sec, minted.metadata.expires_at,
                                                   absl::UTCTimeZone())}});
              response->set_token(std::move(minted.token));
              ToProto(minted.metadata, response->mutable_metadata());
            }));
      });
}

grpc::ServerUnaryReactor* TokenServiceImpl::GetToken(grpc::CallbackServerContext* context,
                                                     const v1::GetTokenRequest* request,
                                                     v1::GetTokenResponse* response) {
  return AdmitThen(gate_, context, "TokenService.GetToken",
                   [this, request, response](auto* reactor, const Identity&) {
                     authority_.Get(request->id(), FinishWith<TokenMetadata>(
                                                       reactor, [response](TokenMetadata& t) {
                                                         ToProto(t, response->mutable_token());
                                                       }));
                   });
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListTokens(grpc::CallbackServerContext* context,
                                                       const v1::ListTokensRequest* request,
                                                       v1::ListTokensResponse* response) {
  return AdmitThen(gate_, context, "TokenService.ListTokens",
                   [this, request, response](auto* reactor, const Identity&) {
                     TokenListRequest list;
                     if (request->has_revoked()) list.revoked = request->revoked();
                     list.include_expired = request->include_expired();
                     if (request->has_unused_since()) {
                       absl::StatusOr<absl::Time> unused_since =
                           FromProto(request->unused_since(), "unused_since");
                       if (!unused_since.ok()) return Finish(reactor, unused_since.status());
                       list.unused_since = *unused_since;
                     }
                     list.page_size = request->page_size();
                     list.page_token = request->page_token();
                     authority_.List(list,
                                     FinishWith<TokenList>(reactor, [response](TokenList& page) {
                                       for (const TokenMetadata& t : page.tokens)
                                         ToProto(t, response->add_tokens());
                                       response->set_next_page_token(page.next_page_token);
                                     }));
                   });
}

grpc::ServerUnaryReactor* TokenServiceImpl::RevokeToken(grpc::CallbackServerContext* context,
                                                        const v1::RevokeTokenRequest* request,
                                                        v1::RevokeTokenResponse* response) {
  return AdmitThen(
      gate_, context, "TokenService.RevokeToken",
      [this, request, response](auto* reactor, const Identity& caller) {
        authority_.Revoke(
            request->id(),
            FinishWith<TokenMetadata>(
                reactor, [this, response, actor = caller.Principal()](TokenMetadata& t) {
                  audit_.Record("token.revoke", actor, t.id, {{"name", t.name}});
                  ToProto(t, response->mutable_token());
                }));
      });
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListAllowedTokenRoles(
    grpc::CallbackServerContext* context, const v1::ListAllowedTokenRolesRequest* request,
    v1::ListAllowedTokenRolesResponse* response) {
  return AdmitThen(gate_, context, "TokenService.ListAllowedTokenRoles",
                   [this, response](auto* reactor, const Identity& caller) {
                     for (std::string& name : authority_.AllowedRoles(caller)) {
                       response->add_role_names(name);
                     }
                     Finish(reactor, absl::OkStatus());
                   });
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListExpiringTokens(
    grpc::CallbackServerContext* context, const v1::ListExpiringTokensRequest* request,
    v1::ListExpiringTokensResponse* response) {
  return AdmitThen(gate_, context, "TokenService.ListExpiringTokens",
                   [this, request, response](auto* reactor, const Identity&) {
                     ExpiringListRequest list;
                     if (request->has_within()) {
                       list.within = absl::Seconds(request->within().seconds()) +
                                     absl::Nanoseconds(request->within().nanos());
                     }
                     list.page_size = request->page_size();
                     list.page_token = request->page_token();
                     authority_.ListExpiring(
                         list, FinishWith<ExpiringList>(reactor, [response](ExpiringList& page) {
                           for (const auto& [token, left] : page.tokens) {
                             v1::ExpiringToken* out = response->add_tokens();
                             ToProto(token, out->mutable_token());
                             ToProto(left, out->mutable_time_left());
                           }
                           response->set_next_page_token(page.next_page_token);
                           ToProto(page.within, response->mutable_within());
                         }));
                   });
}

}  // namespace warden
