#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/credentials.h"
#include "client/retry.h"
#include "warden/v1/auth.grpc.pb.h"
#include "warden/v1/auth_provider.grpc.pb.h"
#include "warden/v1/role.grpc.pb.h"
#include "warden/v1/token.grpc.pb.h"

namespace warden {

// How to reach Warden and as whom.
struct ClientOptions {
  // host:port, or any gRPC target ("dns:///warden.internal:8443").
  std::string endpoint = "127.0.0.1:8443";
  // TLS when true; plaintext otherwise (development and loopback only).
  bool use_tls = false;
  // Lets `credentials` travel without TLS to an endpoint that is not loopback (see
  // IsLoopbackEndpoint in client/plaintext_policy.h), where anyone on the path can read
  // them. Off: creating such a client is INVALID_ARGUMENT. Only for a network you trust.
  bool allow_insecure_plaintext = false;
  // PEM file with the CA certificates to trust; empty = the system roots. Only with TLS.
  std::string ca_file;
  // The name to verify the server's certificate against instead of the endpoint's host
  // (for an endpoint that is an IP address or a tunnel). Only with TLS.
  std::string tls_server_name;
  // A client certificate chain and its private key (PEM files), for a server that asks for
  // one (WARDEN_TLS_CLIENT_CA). Both or neither; only with TLS.
  std::string cert_file;
  std::string key_file;
  // Sent as the `authorization` header of every call.
  Credentials credentials;
  // The deadline of each call, retries included.
  absl::Duration timeout = absl::Seconds(10);
  RetryPolicy retry;
};

// The channel `options` describe: plaintext or TLS (CA file, server name override), with
// gRPC's reconnect backoff aligned with `options.retry` and its built-in retries off (the
// client retries itself, only where that is safe). FAILED_PRECONDITION if the CA file
// cannot be read; INVALID_ARGUMENT for options that do not fit together, among them
// credentials over plaintext to an endpoint that is not loopback without
// `allow_insecure_plaintext` (refused before anything is sent). Connects lazily: an
// unreachable endpoint shows up at the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateWardenChannel(const ClientOptions& options);

// Calls Warden's TokenService, AuthService, AuthProviderService and RoleService. Every call
// carries the credentials (except ExchangeAuthMachineToMachineToken and the sign-in calls,
// which take none) and a deadline of `timeout` from
// its start; idempotent calls (reads, RevokeToken, ValidateToken; not GenerateToken, the
// writes of roles and machine-to-machine configs, or the exchange) are retried on
// UNAVAILABLE with jittered exponential backoff within that deadline. Errors are the
// server's gRPC code and message as an absl::Status (UNAVAILABLE or DEADLINE_EXCEEDED when
// Warden cannot be reached).
//
// Thread-safe: any number of threads may call one Client at once.
class Client final {
 public:
  // Builds the channel (see CreateWardenChannel).
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options);

  // Over an existing channel; `environment` (not owned, must outlive the Client) supplies
  // time, sleep and randomness to retries — tests pass a fake.
  Client(std::shared_ptr<grpc::ChannelInterface> channel, ClientOptions options,
         RetryEnvironment& environment = RealRetryEnvironment::Get());

  // TokenService. GenerateToken is never retried: a lost answer would mean a second token.
  absl::StatusOr<v1::GenerateTokenResponse> GenerateToken(const v1::GenerateTokenRequest& request);
  absl::StatusOr<v1::TokenMetadata> GetToken(const std::string& id);
  // One page; pass the response's next_page_token back (with the same filters) for more.
  absl::StatusOr<v1::ListTokensResponse> ListTokens(const v1::ListTokensRequest& request);
  // Revoking an already revoked token succeeds, so this is retried like a read.
  absl::StatusOr<v1::TokenMetadata> RevokeToken(const std::string& id);
  // The whole RevokeToken: with cascade, or everything one identity created. Retried too: a
  // retry revokes nothing more (its revoked_count may then be lower).
  absl::StatusOr<v1::RevokeTokenResponse> RevokeTokens(const v1::RevokeTokenRequest& request);
  // Never retried, like GenerateToken: a retry after a lost answer would find the token
  // already rotated, and the successor's string would be lost.
  absl::StatusOr<v1::RotateTokenResponse> RotateToken(const v1::RotateTokenRequest& request);
  absl::StatusOr<std::vector<std::string>> ListAllowedTokenRoles();
  // One page of the live tokens that expire within `request.within()` (unset: the server's
  // window), soonest first; pass the response's next_page_token back (with the same
  // `within`) for more. A read, so retried.
  absl::StatusOr<v1::ListExpiringTokensResponse> ListExpiringTokens(
      const v1::ListExpiringTokensRequest& request);

  // AuthService. Who the client's own credentials belong to.
  absl::StatusOr<v1::Identity> GetAuthStatus();
  // Whose `token` is (a token some caller presented to this service); UNAUTHENTICATED
  // with the reason if it is not valid. REQUIRES: `token` without "Bearer ".
  absl::StatusOr<v1::Identity> ValidateToken(const std::string& token);

  // AuthService's machine-to-machine (OIDC) configurations. List and Get are retried; Add,
  // Update and Delete are not (a lost answer to a retried add would be ALREADY_EXISTS, to
  // a delete NOT_FOUND). The list comes sorted by issuer. Add ignores `config.id()`;
  // Update replaces the config with id `config.id()` by `config`.
  absl::StatusOr<std::vector<v1::AuthMachineToMachineConfig>> ListAuthMachineToMachineConfigs();
  absl::StatusOr<v1::AuthMachineToMachineConfig> GetAuthMachineToMachineConfig(
      const std::string& id);
  absl::StatusOr<v1::AuthMachineToMachineConfig> AddAuthMachineToMachineConfig(
      const v1::AuthMachineToMachineConfig& config);
  absl::StatusOr<v1::AuthMachineToMachineConfig> UpdateAuthMachineToMachineConfig(
      const v1::AuthMachineToMachineConfig& config);
  absl::Status DeleteAuthMachineToMachineConfig(const std::string& id);
  // Trades a third-party OIDC ID token for a short-lived Warden token. The ID token is the
  // credential: the client's own credentials are not sent. Not retried (each answer is a
  // new token). UNAUTHENTICATED with the reason if Warden does not accept the ID token;
  // INVALID_ARGUMENT, sending nothing, if it would go in cleartext to an endpoint that is
  // not loopback without `allow_insecure_plaintext`.
  absl::StatusOr<v1::ExchangeAuthMachineToMachineTokenResponse> ExchangeAuthMachineToMachineToken(
      const std::string& id_token);
  // Ends the client's own credential: revokes the Warden token it presents (a person's
  // session, or an API token ending itself). FAILED_PRECONDITION for a credential that is
  // no Warden token (the admin password). Retried like RevokeToken: a retry after a lost
  // answer is UNAUTHENTICATED (the token is already revoked), which callers take as done.
  absl::Status SignOut();

  // AuthProviderService: the auth providers people sign in through. List and Get are
  // retried; Add, Update and Delete are not. Get and Delete take the provider's id; Update
  // replaces the provider with id `provider.id()`. The list comes sorted by name.
  absl::StatusOr<std::vector<v1::AuthProvider>> ListAuthProviders();
  absl::StatusOr<v1::AuthProvider> GetAuthProvider(const std::string& id);
  absl::StatusOr<v1::AuthProvider> AddAuthProvider(const v1::AuthProvider& provider);
  absl::StatusOr<v1::AuthProvider> UpdateAuthProvider(const v1::AuthProvider& provider);
  absl::Status DeleteAuthProvider(const std::string& id);

  // The sign-in calls send no credentials (the person has none yet). GetSignInOptions and
  // StartSignIn change nothing on the server and are retried; the others are not
  // (CompleteSignIn's `state` works once, and each device call may answer with a session).
  // StartSignIn's answer holds the PKCE code verifier: keep it out of URLs and logs.
  // CompleteSignIn and the device calls carry or return secrets (the code and its
  // verifier, the device code, the session token): INVALID_ARGUMENT, sending nothing, when
  // they would go in cleartext to an endpoint that is not loopback without
  // `allow_insecure_plaintext`.
  absl::StatusOr<v1::GetSignInOptionsResponse> GetSignInOptions();
  absl::StatusOr<v1::StartSignInResponse> StartSignIn(const std::string& provider,
                                                      const std::string& redirect_uri);
  absl::StatusOr<v1::SignInSession> CompleteSignIn(const v1::CompleteSignInRequest& request);
  absl::StatusOr<v1::StartDeviceSignInResponse> StartDeviceSignIn(const std::string& provider);
  absl::StatusOr<v1::CompleteDeviceSignInResponse> CompleteDeviceSignIn(
      const v1::CompleteDeviceSignInRequest& request);

  // RoleService. Reads are retried; creates, updates and deletes are not (a lost answer to
  // a retried create would be ALREADY_EXISTS, to a delete NOT_FOUND). Lists come sorted by
  // name. Creates ignore the message's id and origin and return the object as stored.
  absl::StatusOr<std::vector<std::string>> ListResources();
  absl::StatusOr<std::vector<v1::PermissionSet>> ListPermissionSets();
  absl::StatusOr<v1::PermissionSet> GetPermissionSet(const std::string& id);
  absl::StatusOr<v1::PermissionSet> CreatePermissionSet(const v1::PermissionSet& set);
  // Replaces the set with id `set.id()` by `set` (name, description, every permission).
  absl::StatusOr<v1::PermissionSet> UpdatePermissionSet(const v1::PermissionSet& set);
  absl::Status DeletePermissionSet(const std::string& id);
  absl::StatusOr<std::vector<v1::AccessScope>> ListAccessScopes();
  absl::StatusOr<v1::AccessScope> GetAccessScope(const std::string& id);
  absl::StatusOr<v1::AccessScope> CreateAccessScope(const v1::AccessScope& scope);
  // Replaces the scope with id `scope.id()` by `scope` (name, description, rules).
  absl::StatusOr<v1::AccessScope> UpdateAccessScope(const v1::AccessScope& scope);
  absl::Status DeleteAccessScope(const std::string& id);
  absl::StatusOr<std::vector<v1::Role>> ListRoles();
  absl::StatusOr<v1::Role> GetRole(const std::string& name);
  // `role.permission_set_id()` and `access_scope_id()` are ids; an empty scope id means
  // Unrestricted.
  absl::StatusOr<v1::Role> CreateRole(const v1::Role& role);
  // Replaces the description, permission set and scope of the role named `role.name()`.
  absl::StatusOr<v1::Role> UpdateRole(const v1::Role& role);
  absl::Status DeleteRole(const std::string& name);

  const ClientOptions& options() const { return options_; }

 private:
  // Runs one RPC (`invoke` fills the response from a prepared context) with credentials
  // (unless `send_credentials` is false), deadline and, if `idempotent`, retries.
  absl::Status Call(bool idempotent,
                    const std::function<grpc::Status(grpc::ClientContext*)>& invoke,
                    bool send_credentials = true) const;

  template <typename Request, typename Response>
  using RoleMethod = grpc::Status (v1::RoleService::Stub::*)(grpc::ClientContext*, const Request&,
                                                             Response*);
  // One RoleService call through Call; defined (and only used) in client.cc.
  template <typename Request, typename Response>
  absl::StatusOr<Response> CallRoles(bool idempotent, RoleMethod<Request, Response> method,
                                     const Request& request) const;

  template <typename Request, typename Response>
  using AuthMethod = grpc::Status (v1::AuthService::Stub::*)(grpc::ClientContext*, const Request&,
                                                             Response*);
  // One AuthService call through Call; defined (and only used) in client.cc.
  template <typename Request, typename Response>
  absl::StatusOr<Response> CallAuth(bool idempotent, AuthMethod<Request, Response> method,
                                    const Request& request, bool send_credentials = true) const;

  template <typename Request, typename Response>
  using ProviderMethod = grpc::Status (v1::AuthProviderService::Stub::*)(grpc::ClientContext*,
                                                                         const Request&, Response*);
  // One AuthProviderService call through Call; defined (and only used) in client.cc.
  template <typename Request, typename Response>
  absl::StatusOr<Response> CallProviders(bool idempotent, ProviderMethod<Request, Response> method,
                                         const Request& request,
                                         bool send_credentials = true) const;

  const ClientOptions options_;
  RetryEnvironment& environment_;
  std::unique_ptr<v1::TokenService::Stub> tokens_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::RoleService::Stub> roles_;
  std::unique_ptr<v1::AuthProviderService::Stub> providers_;
};

}  // namespace warden
