#pragma once

// The fixture of http_connect_test.cc: one warden-server serving gRPC and HTTP (audit log
// and metrics on), a fake OIDC issuer it trusts, and the transport table — every unary
// warden.v1 method as rows of a request, the caller and the expected code, each sent over
// gRPC and over Connect and compared (transport_rows.cc holds the rows).

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/auth/method.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/m2m_fixture.h"
#include "tests/e2e/role_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/fake_oidc_issuer.h"
#include "tests/support/test_database.h"
#include "tests/support/test_pki.h"
#include "warden/v1/auth.grpc.pb.h"
#include "warden/v1/auth_provider.grpc.pb.h"

namespace warden::testing {

class TransportFixture;

// Who makes a row's call.
enum class Caller {
  kAdmin,     // the bootstrap admin's Basic credentials
  kNobody,    // no Authorization header
  kOutsider,  // a token whose only role grants Image READ: no Access, no Integration
  kSelf       // a token minted for this one call (which may end it: SignOut)
};

// One row of the transport table.
struct TransportRow {
  Method method;
  std::string what;  // "as admin", "an unknown id", ...
  Caller caller;
  // Builds the request, once before each transport's call: most rows answer the same message
  // every time; a row whose call uses something up (Delete, Revoke) makes it anew, and one
  // that creates removes what the previous transport created.
  std::function<std::unique_ptr<google::protobuf::Message>(TransportFixture&)> request;
  grpc::StatusCode expected;
  bool json = false;  // also sent as Connect JSON
};

// Every row: per method the rows written out in transport_rows.cc, then, derived from each
// method's first row, the refusals — no credentials (UNAUTHENTICATED) for every method that
// takes them, and the outsider (PERMISSION_DENIED) for every method with requirements.
std::vector<TransportRow> TransportRows();

// Connect's code name and HTTP status for a gRPC code (connectrpc.com/docs/protocol).
struct ConnectCode {
  std::string name;
  int http_status;
};
ConnectCode ConnectCodeOf(grpc::StatusCode code);

// The Connect path of `method`: "/warden.v1.TokenService/GenerateToken".
std::string ConnectPathOf(Method method);

// A unary call's outcome, whichever transport carried it.
struct WireAnswer {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  std::unique_ptr<google::protobuf::Message> response;  // set when OK
};

// Replaces what differs between two calls that did the same thing — ids, tokens, instants,
// durations left — by fixed values, keeping whether each was set.
void NormaliseVolatile(google::protobuf::Message* message);

class TransportFixture {
 public:
  static constexpr char kUnknownId[] = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";

  TransportFixture();

  std::vector<std::string> AuthorizationOf(Caller caller);

  // The same serialized request as a gRPC call (generic stub) and as Connect calls (binary
  // protobuf, JSON) of `method`.
  WireAnswer OverGrpc(Method method, const std::string& bytes, Caller caller);
  WireAnswer OverConnect(Method method, const std::string& bytes, Caller caller, bool json,
                         HttpReply* raw);

  // State the rows use, made over gRPC: each Ensure... answers the id of an object of that
  // name, creating it when it is missing; each Remove... deletes it when it is there.
  std::string MintedToken();  // a live Analyst token, minted once
  std::string MintedTokenId();
  std::string MintFreshTokenId();
  std::string EnsurePermissionSet(const std::string& name);
  void RemovePermissionSet(const std::string& name);
  std::string EnsureAccessScope(const std::string& name);
  void RemoveAccessScope(const std::string& name);
  void EnsureRole(const std::string& name);
  void RemoveRole(const std::string& name);
  std::string EnsureM2m(const FakeIssuer& issuer);
  void RemoveM2m(const FakeIssuer& issuer);
  // The auth provider "transport" (issuer_'s people: group "people" gets Analyst).
  static v1::AuthProvider TransportProvider(const FakeIssuer& issuer);
  std::string EnsureProvider();
  void RemoveProvider();
  // What the browser brings back from issuer_ after a sign-in StartSignIn began.
  v1::CompleteSignInRequest SignInCallback();

  TestPki pki_;
  FakeIssuer issuer_;        // trusted by a configuration from the start: its ID tokens exchange
  FakeIssuer other_issuer_;  // for the configuration rows
  TestDatabase database_;
  std::string audit_path_;
  int metrics_port_;
  WardenProcess server_;
  ApiClient api_;
  RoleClient roles_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::AuthProviderService::Stub> providers_;
  HttpClient http_;
  std::string admin_;
  std::string outsider_;  // authorization of Caller::kOutsider

 private:
  std::string minted_token_;
  std::string minted_token_id_;
};

}  // namespace warden::testing
