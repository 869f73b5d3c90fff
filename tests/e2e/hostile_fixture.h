#pragma once

// The fixture of hostile_input_test.cc: a server with a fake OIDC issuer it trusts, the
// hostile inputs, and one helper per call the hostile table makes (as admin unless said), each
// returning the status the server answered. Helpers named ...Verbatim also read back what
// they stored and answer DATA_LOSS if it differs from what was sent. The table itself comes
// in one part per service: hostile_{token,auth,role,m2m}_rows.cc, and its HTTP column in
// hostile_http_rows.cc.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/m2m_fixture.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/fake_oidc_issuer.h"
#include "tests/support/test_database.h"
#include "tests/support/test_pki.h"
#include "warden/v1/auth.grpc.pb.h"
#include "warden/v1/role.grpc.pb.h"
#include "warden/v1/token.grpc.pb.h"

namespace warden::testing {

// Protobuf wire format by hand, for requests the generated code would not send.
inline std::string Varint(uint64_t value) {
  std::string out;
  do {
    out.push_back(static_cast<char>((value & 0x7f) | (value > 0x7f ? 0x80 : 0)));
    value >>= 7;
  } while (value != 0);
  return out;
}
inline std::string LengthDelimited(int field, const std::string& bytes) {
  return Varint(static_cast<uint64_t>(field) << 3 | 2) + Varint(bytes.size()) + bytes;
}

// A unary call of `method` ("/warden.v1.TokenService/GenerateToken") with `bytes` as the
// serialized request, so that the server's parser, not the client's, judges it.
inline grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& method, const std::string& bytes,
                            const std::string& authorization) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  SetDeadline(&context, 10);
  context.AddMetadata("authorization", authorization);
  return Await<grpc::Status>([&](auto done) {
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response, std::move(done));
  });
}

// A context with a 10 s deadline and one `authorization` header per element.
inline std::unique_ptr<grpc::ClientContext> ContextWith(
    const std::vector<std::string>& authorizations) {
  auto context = std::make_unique<grpc::ClientContext>();
  SetDeadline(context.get(), 10);
  for (const std::string& value : authorizations) context->AddMetadata("authorization", value);
  return context;
}

// A status the row's own round-trip check reports when a value did not come back verbatim.
inline grpc::Status Mismatch(const std::string& what) {
  return grpc::Status(grpc::StatusCode::DATA_LOSS, "not stored verbatim: " + what);
}

// One row of the hostile table: a call and the code it must be answered with.
struct HostileRow {
  std::string description;
  std::function<grpc::Status()> call;
  grpc::StatusCode expected;
};

// One row of the hostile table's HTTP column: a request and the status it must be answered
// with.
struct HostileHttpRow {
  std::string description;
  std::function<HttpReply()> call;
  int expected;
  // The server stops reading part-way through the body: it must say "Connection: close" and
  // close, so that the rest is never parsed as another request (SendRaw rows only).
  bool ends_connection = false;
};

class HostileFixture {
 public:
  static constexpr char kSqlInjection[] = "'; DROP TABLE tokens; --";
  static constexpr char kUnknownId[] = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";
  // Characters that LIKE patterns, string literals and C strings treat specially.
  static inline const std::string kMetacharacters =
      std::string("100% _x_ \\ \\\\ \" ' ` ; -- /* */ $1 ") + "Robert'); DELETE FROM roles; --";
  static inline const std::string kNul = std::string("a\0b", 3);
  static inline const std::string kNotUtf8 = "caf\xc3\x28 \xff\xfe";

  HostileFixture()
      : issuer_(pki_),
        other_issuer_(pki_),
        // The abuse limits (tests/e2e/abuse_limits_test.cc) would answer RESOURCE_EXHAUSTED
        // once the table's failures add up; here each row is judged on its own.
        server_({{"WARDEN_DATABASE_URL", database_.url()},
                 {"WARDEN_M2M_CA_FILE", pki_.Path("ca.pem")},
                 {"WARDEN_AUTH_FAILURE_RATE_LIMIT", "0"},
                 {"WARDEN_GENERATE_RATE_LIMIT", "0"}}) {
    server_.ServeHttp();
    server_.Start();
    admin_ = server_.AdminAuthorization();
    channel_ = server_.channel();
    tokens_ = v1::TokenService::NewStub(channel_);
    auth_ = v1::AuthService::NewStub(channel_);
    roles_ = v1::RoleService::NewStub(channel_);
  }

  // GenerateToken as admin.
  grpc::Status Generate(const std::string& name, const std::vector<std::string>& roles,
                        v1::GenerateTokenResponse* response = nullptr) {
    v1::GenerateTokenRequest request;
    request.set_name(name);
    for (const std::string& role : roles) request.add_roles(role);
    return Generate(request, response);
  }
  grpc::Status Generate(const v1::GenerateTokenRequest& request,
                        v1::GenerateTokenResponse* response = nullptr) {
    v1::GenerateTokenResponse ignored;
    if (response == nullptr) response = &ignored;
    grpc::Status status = tokens_->GenerateToken(ContextWith({admin_}).get(), request, response);
    if (status.ok()) minted_tokens_.push_back(response->token());
    return status;
  }

  // Mints a token named `name` and checks the server kept the name verbatim.
  grpc::Status GenerateVerbatim(const std::string& name) {
    v1::GenerateTokenResponse minted;
    grpc::Status status = Generate(name, {"Analyst"}, &minted);
    if (!status.ok()) return status;
    v1::GetTokenRequest get;
    get.set_id(minted.metadata().id());
    v1::GetTokenResponse got;
    status = tokens_->GetToken(ContextWith({admin_}).get(), get, &got);
    if (!status.ok()) return status;
    return got.token().name() == name ? status : Mismatch(name);
  }

  grpc::Status List(const v1::ListTokensRequest& request) {
    v1::ListTokensResponse response;
    return tokens_->ListTokens(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status ListExpiring(const v1::ListExpiringTokensRequest& request) {
    v1::ListExpiringTokensResponse response;
    return tokens_->ListExpiringTokens(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status Get(const std::string& id) {
    v1::GetTokenRequest request;
    request.set_id(id);
    v1::GetTokenResponse response;
    return tokens_->GetToken(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status Revoke(const std::string& id) {
    v1::RevokeTokenRequest request;
    request.set_id(id);
    v1::RevokeTokenResponse response;
    return tokens_->RevokeToken(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status AuthStatusWith(const std::vector<std::string>& authorizations) {
    v1::GetAuthStatusResponse response;
    return auth_->GetAuthStatus(ContextWith(authorizations).get(), v1::GetAuthStatusRequest(),
                                &response);
  }

  grpc::Status Validate(const std::string& token) {
    v1::ValidateTokenRequest request;
    request.set_token(token);
    v1::ValidateTokenResponse response;
    return auth_->ValidateToken(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status Exchange(const std::string& id_token) {
    v1::ExchangeAuthMachineToMachineTokenRequest request;
    request.set_id_token(id_token);
    v1::ExchangeAuthMachineToMachineTokenResponse response;
    return auth_->ExchangeAuthMachineToMachineToken(ContextWith({}).get(), request, &response);
  }

  // Creates a permission set and checks that name and description come back verbatim.
  grpc::Status PermissionSetVerbatim(const std::string& name, const std::string& description) {
    v1::CreatePermissionSetRequest create;
    create.mutable_permission_set()->set_name(name);
    create.mutable_permission_set()->set_description(description);
    (*create.mutable_permission_set()->mutable_resource_to_access())["Image"] =
        v1::ACCESS_LEVEL_READ_ACCESS;
    v1::CreatePermissionSetResponse created;
    grpc::Status status =
        roles_->CreatePermissionSet(ContextWith({admin_}).get(), create, &created);
    if (!status.ok()) return status;
    v1::GetPermissionSetRequest get;
    get.set_id(created.permission_set().id());
    v1::GetPermissionSetResponse got;
    status = roles_->GetPermissionSet(ContextWith({admin_}).get(), get, &got);
    if (!status.ok()) return status;
    if (got.permission_set().name() != name) return Mismatch("permission set name");
    if (got.permission_set().description() != description) return Mismatch("description");
    return status;
  }

  // Creates a role with Analyst's permission set and scope, and checks that name and
  // description come back verbatim.
  grpc::Status RoleVerbatim(const std::string& name, const std::string& description) {
    v1::GetRoleResponse analyst;
    grpc::Status status = GetRole("Analyst", &analyst);
    if (!status.ok()) return status;
    v1::Role role = analyst.role();
    role.set_name(name);
    role.set_description(description);
    status = CreateRole(role);
    if (!status.ok()) return status;
    v1::GetRoleResponse got;
    status = GetRole(name, &got);
    if (!status.ok()) return status;
    if (got.role().name() != name) return Mismatch("role name");
    if (got.role().description() != description) return Mismatch("role description");
    return status;
  }

  grpc::Status CreatePermissionSet(const v1::PermissionSet& set) {
    v1::CreatePermissionSetRequest request;
    *request.mutable_permission_set() = set;
    v1::CreatePermissionSetResponse response;
    return roles_->CreatePermissionSet(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status CreateAccessScope(const v1::AccessScope& scope) {
    v1::CreateAccessScopeRequest request;
    *request.mutable_access_scope() = scope;
    v1::CreateAccessScopeResponse response;
    return roles_->CreateAccessScope(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status CreateRole(const v1::Role& role) {
    v1::CreateRoleRequest request;
    *request.mutable_role() = role;
    v1::CreateRoleResponse response;
    return roles_->CreateRole(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status GetRole(const std::string& name, v1::GetRoleResponse* response = nullptr) {
    v1::GetRoleRequest request;
    request.set_name(name);
    v1::GetRoleResponse ignored;
    return roles_->GetRole(ContextWith({admin_}).get(), request,
                           response != nullptr ? response : &ignored);
  }

  grpc::Status DeleteRole(const std::string& name) {
    v1::DeleteRoleRequest request;
    request.set_name(name);
    v1::DeleteRoleResponse response;
    return roles_->DeleteRole(ContextWith({admin_}).get(), request, &response);
  }

  grpc::Status GetPermissionSet(const std::string& id) {
    v1::GetPermissionSetRequest request;
    request.set_id(id);
    v1::GetPermissionSetResponse response;
    return roles_->GetPermissionSet(ContextWith({admin_}).get(), request, &response);
  }

  // Health as a client waiting for the channel to (re)connect sees it.
  std::string Health() {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext context;
    SetDeadline(&context, 10);
    context.set_wait_for_ready(true);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
    if (!status.ok()) return absl::StrCat("error ", status.error_code());
    return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
  }

  // Adds an M2M configuration for `issuer`; `change` edits it before it is added.
  grpc::Status AddM2m(const std::string& issuer,
                      const std::function<void(v1::AuthMachineToMachineConfig&)>& change,
                      v1::AuthMachineToMachineConfig* added = nullptr) {
    v1::AddAuthMachineToMachineConfigRequest request;
    v1::AuthMachineToMachineConfig& config = *request.mutable_config();
    config = RepositoryM2mConfig(issuer);
    change(config);
    v1::AddAuthMachineToMachineConfigResponse response;
    grpc::Status status =
        auth_->AddAuthMachineToMachineConfig(ContextWith({admin_}).get(), request, &response);
    if (added != nullptr) *added = response.config();
    return status;
  }

  grpc::Status DeleteM2m(const std::string& id) {
    v1::DeleteAuthMachineToMachineConfigRequest request;
    request.set_id(id);
    v1::DeleteAuthMachineToMachineConfigResponse response;
    return auth_->DeleteAuthMachineToMachineConfig(ContextWith({admin_}).get(), request, &response);
  }

  // Tries to add a `change`d configuration for the other issuer; one that is accepted is
  // deleted again, so that each row starts with none (one configuration per issuer).
  grpc::Status TryM2m(const std::function<void(v1::AuthMachineToMachineConfig&)>& change) {
    v1::AuthMachineToMachineConfig added;
    grpc::Status status = AddM2m(other_issuer_.url(), change, &added);
    if (status.ok()) {
      grpc::Status deleted = DeleteM2m(added.id());
      if (!deleted.ok()) return deleted;
    }
    return status;
  }

  // Adds a `change`d configuration, reads it back, compares, and deletes it again.
  grpc::Status M2mVerbatim(const std::function<void(v1::AuthMachineToMachineConfig&)>& change) {
    v1::AuthMachineToMachineConfig added;
    grpc::Status status = AddM2m(other_issuer_.url(), change, &added);
    if (!status.ok()) return status;
    v1::GetAuthMachineToMachineConfigRequest get;
    get.set_id(added.id());
    v1::GetAuthMachineToMachineConfigResponse got;
    status = auth_->GetAuthMachineToMachineConfig(ContextWith({admin_}).get(), get, &got);
    if (!status.ok()) return status;
    grpc::Status deleted = DeleteM2m(added.id());
    if (!deleted.ok()) return deleted;
    if (got.config().SerializeAsString() != added.SerializeAsString()) {
      return Mismatch("m2m config " + got.config().ShortDebugString());
    }
    return status;
  }

  // The hostile table's rows, one part per service, each defined in hostile_<part>_rows.cc.
  // The calls refer to this fixture: run them while it lives.
  std::vector<HostileRow> TokenRows();
  std::vector<HostileRow> AuthRows();  // credentials and ID tokens
  std::vector<HostileRow> RoleRows();
  std::vector<HostileRow> M2mRows();
  // The HTTP column: what reaches WARDEN_HTTP_LISTEN (hostile_http_rows.cc).
  std::vector<HostileHttpRow> HttpRows();

  TestPki pki_;
  FakeIssuer issuer_;        // has a configuration: its ID tokens get verified
  FakeIssuer other_issuer_;  // for the configuration rows
  TestDatabase database_;
  WardenProcess server_;
  std::string admin_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TokenService::Stub> tokens_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::RoleService::Stub> roles_;
  std::vector<std::string> minted_tokens_;  // secrets the log must not contain
  // 1 MB inputs; the message checks look for runs of their letters.
  const std::string megabyte_name_ = std::string(1 << 20, 'Q');
  const std::string megabyte_token_ = std::string(1 << 20, 'T');
};

}  // namespace warden::testing
