// The transport table of http_connect_test.cc: for every unary warden.v1 method, the calls
// that must answer alike over gRPC and over Connect.

#include <set>

#include "tests/e2e/transport_fixture.h"
#include "warden/v1/auth.pb.h"
#include "warden/v1/auth_provider.pb.h"
#include "warden/v1/role.pb.h"
#include "warden/v1/token.pb.h"

namespace warden::testing {
namespace {

using grpc::StatusCode;
using RequestMaker = std::function<std::unique_ptr<google::protobuf::Message>(TransportFixture&)>;

// A request of type `Request` that `fill` completes (it may first change the server's state).
template <typename Request, typename Fill>
RequestMaker Make(Fill fill) {
  return [fill](TransportFixture& f) -> std::unique_ptr<google::protobuf::Message> {
    auto request = std::make_unique<Request>();
    fill(f, *request);
    return request;
  };
}

template <typename Request>
RequestMaker Empty() {
  return Make<Request>([](TransportFixture&, Request&) {});
}

// A request whose only field is the string id `id` of the fixture.
template <typename Request>
RequestMaker ById(std::function<std::string(TransportFixture&)> id) {
  return Make<Request>([id](TransportFixture& f, Request& r) { r.set_id(id(f)); });
}

template <typename Request>
RequestMaker UnknownId() {
  return ById<Request>([](TransportFixture&) { return TransportFixture::kUnknownId; });
}

constexpr Caller kAdmin = Caller::kAdmin;
constexpr Caller kNobody = Caller::kNobody;
constexpr Caller kOutsider = Caller::kOutsider;

void FillPermissionSet(v1::PermissionSet& set, const std::string& name) {
  set.set_name(name);
  set.set_description("made by the transport table");
  (*set.mutable_resource_to_access())["Image"] = v1::ACCESS_LEVEL_READ_ACCESS;
}

void FillScope(v1::AccessScope& scope, const std::string& name) {
  scope.set_name(name);
  scope.set_description("made by the transport table");
  scope.mutable_rules()->add_clusters("production");
}

std::vector<TransportRow> TokenRows() {
  return {
      {Method::kGenerateToken, "as admin", kAdmin,
       Make<v1::GenerateTokenRequest>([](auto&, auto& r) {
         r.set_name("over both transports");
         r.add_roles("Analyst");
       }),
       StatusCode::OK, true},
      {Method::kGenerateToken, "an empty name", kAdmin,
       Make<v1::GenerateTokenRequest>([](auto&, auto& r) { r.add_roles("Analyst"); }),
       StatusCode::INVALID_ARGUMENT, true},
      {Method::kGenerateToken, "an unknown role", kAdmin,
       Make<v1::GenerateTokenRequest>([](auto&, auto& r) {
         r.set_name("unknown role");
         r.add_roles("No Such Role");
       }),
       StatusCode::INVALID_ARGUMENT},
      {Method::kGetToken, "a minted token", kAdmin,
       ById<v1::GetTokenRequest>([](auto& f) { return f.MintedTokenId(); }), StatusCode::OK, true},
      {Method::kGetToken, "an unknown id", kAdmin, UnknownId<v1::GetTokenRequest>(),
       StatusCode::NOT_FOUND, true},
      {Method::kGetToken, "a malformed id", kAdmin,
       ById<v1::GetTokenRequest>([](auto&) { return "not-a-uuid"; }), StatusCode::INVALID_ARGUMENT},
      {Method::kListTokens, "live tokens", kAdmin,
       Make<v1::ListTokensRequest>([](auto&, auto& r) { r.set_revoked(false); }), StatusCode::OK,
       true},
      {Method::kListTokens, "a negative page size", kAdmin,
       Make<v1::ListTokensRequest>([](auto&, auto& r) { r.set_page_size(-1); }),
       StatusCode::INVALID_ARGUMENT},
      {Method::kRevokeToken, "a live token", kAdmin,
       ById<v1::RevokeTokenRequest>([](auto& f) { return f.MintFreshTokenId(); }), StatusCode::OK,
       true},
      {Method::kRevokeToken, "an unknown id", kAdmin, UnknownId<v1::RevokeTokenRequest>(),
       StatusCode::NOT_FOUND},
      {Method::kRevokeToken, "a cascade", kAdmin,
       Make<v1::RevokeTokenRequest>([](auto& f, auto& r) {
         r.set_id(f.MintFreshTokenId());
         r.set_cascade(true);
       }),
       StatusCode::OK},
      {Method::kRevokeToken, "both an id and created_by", kAdmin,
       Make<v1::RevokeTokenRequest>([](auto& f, auto& r) {
         r.set_id(f.MintFreshTokenId());
         r.set_created_by("user:admin");
       }),
       StatusCode::INVALID_ARGUMENT},
      {Method::kRotateToken, "a live token", kAdmin,
       ById<v1::RotateTokenRequest>([](auto& f) { return f.MintFreshTokenId(); }), StatusCode::OK,
       true},
      {Method::kRotateToken, "an overlap over 7 days", kAdmin,
       Make<v1::RotateTokenRequest>([](auto& f, auto& r) {
         r.set_id(f.MintFreshTokenId());
         r.mutable_overlap()->set_seconds(8 * 86400);
       }),
       StatusCode::INVALID_ARGUMENT},
      {Method::kRotateToken, "an unknown id", kAdmin, UnknownId<v1::RotateTokenRequest>(),
       StatusCode::NOT_FOUND},
      {Method::kListAllowedTokenRoles, "as admin", kAdmin,
       Empty<v1::ListAllowedTokenRolesRequest>(), StatusCode::OK, true},
      {Method::kListExpiringTokens, "within a day", kAdmin,
       Make<v1::ListExpiringTokensRequest>(
           [](auto&, auto& r) { r.mutable_within()->set_seconds(86400); }),
       StatusCode::OK, true},
      {Method::kListExpiringTokens, "a negative window", kAdmin,
       Make<v1::ListExpiringTokensRequest>(
           [](auto&, auto& r) { r.mutable_within()->set_seconds(-1); }),
       StatusCode::INVALID_ARGUMENT},
  };
}

std::vector<TransportRow> PermissionSetAndScopeRows() {
  return {
      {Method::kListResources, "as admin", kAdmin, Empty<v1::ListResourcesRequest>(),
       StatusCode::OK, true},
      {Method::kListPermissionSets, "as admin", kAdmin, Empty<v1::ListPermissionSetsRequest>(),
       StatusCode::OK, true},
      {Method::kGetPermissionSet, "a set", kAdmin, ById<v1::GetPermissionSetRequest>([](auto& f) {
         return f.EnsurePermissionSet("Table Set");
       }),
       StatusCode::OK, true},
      {Method::kGetPermissionSet, "an unknown id", kAdmin, UnknownId<v1::GetPermissionSetRequest>(),
       StatusCode::NOT_FOUND},
      {Method::kCreatePermissionSet, "a new set", kAdmin,
       Make<v1::CreatePermissionSetRequest>([](auto& f, auto& r) {
         f.RemovePermissionSet("Table New Set");
         FillPermissionSet(*r.mutable_permission_set(), "Table New Set");
       }),
       StatusCode::OK, true},
      {Method::kCreatePermissionSet, "a name taken", kAdmin,
       Make<v1::CreatePermissionSetRequest>([](auto& f, auto& r) {
         f.EnsurePermissionSet("Table Set");
         FillPermissionSet(*r.mutable_permission_set(), "Table Set");
       }),
       StatusCode::ALREADY_EXISTS, true},
      {Method::kUpdatePermissionSet, "a new description", kAdmin,
       Make<v1::UpdatePermissionSetRequest>([](auto& f, auto& r) {
         FillPermissionSet(*r.mutable_permission_set(), "Table Set");
         r.mutable_permission_set()->set_id(f.EnsurePermissionSet("Table Set"));
       }),
       StatusCode::OK, true},
      {Method::kDeletePermissionSet, "an unused set", kAdmin,
       ById<v1::DeletePermissionSetRequest>(
           [](auto& f) { return f.EnsurePermissionSet("Doomed Set"); }),
       StatusCode::OK, true},
      {Method::kDeletePermissionSet, "a set a role uses", kAdmin,
       ById<v1::DeletePermissionSetRequest>([](auto& f) {
         f.EnsureRole("Table Role");
         return f.EnsurePermissionSet("Table Set");
       }),
       StatusCode::FAILED_PRECONDITION},
      {Method::kListAccessScopes, "as admin", kAdmin, Empty<v1::ListAccessScopesRequest>(),
       StatusCode::OK, true},
      {Method::kGetAccessScope, "a scope", kAdmin,
       ById<v1::GetAccessScopeRequest>([](auto& f) { return f.EnsureAccessScope("Table Scope"); }),
       StatusCode::OK, true},
      {Method::kGetAccessScope, "an unknown id", kAdmin, UnknownId<v1::GetAccessScopeRequest>(),
       StatusCode::NOT_FOUND},
      {Method::kCreateAccessScope, "a new scope", kAdmin,
       Make<v1::CreateAccessScopeRequest>([](auto& f, auto& r) {
         f.RemoveAccessScope("Table New Scope");
         FillScope(*r.mutable_access_scope(), "Table New Scope");
       }),
       StatusCode::OK, true},
      {Method::kCreateAccessScope, "no name", kAdmin,
       Make<v1::CreateAccessScopeRequest>(
           [](auto&, auto& r) { FillScope(*r.mutable_access_scope(), ""); }),
       StatusCode::INVALID_ARGUMENT},
      {Method::kUpdateAccessScope, "a new description", kAdmin,
       Make<v1::UpdateAccessScopeRequest>([](auto& f, auto& r) {
         FillScope(*r.mutable_access_scope(), "Table Scope");
         r.mutable_access_scope()->set_id(f.EnsureAccessScope("Table Scope"));
       }),
       StatusCode::OK, true},
      {Method::kDeleteAccessScope, "an unused scope", kAdmin,
       ById<v1::DeleteAccessScopeRequest>(
           [](auto& f) { return f.EnsureAccessScope("Doomed Scope"); }),
       StatusCode::OK},
  };
}

std::vector<TransportRow> RoleRows() {
  auto role = [](TransportFixture& f, v1::Role& r, const std::string& name) {
    r.set_name(name);
    r.set_description("made by the transport table");
    r.set_permission_set_id(f.EnsurePermissionSet("Table Set"));
  };
  return {
      {Method::kListRoles, "as admin", kAdmin, Empty<v1::ListRolesRequest>(), StatusCode::OK, true},
      {Method::kGetRole, "a role", kAdmin, Make<v1::GetRoleRequest>([](auto& f, auto& r) {
         f.EnsureRole("Table Role");
         r.set_name("Table Role");
       }),
       StatusCode::OK, true},
      {Method::kGetRole, "an unknown name", kAdmin,
       Make<v1::GetRoleRequest>([](auto&, auto& r) { r.set_name("No Such Role"); }),
       StatusCode::NOT_FOUND, true},
      {Method::kCreateRole, "a new role", kAdmin,
       Make<v1::CreateRoleRequest>([role](auto& f, auto& r) {
         f.RemoveRole("Table New Role");
         role(f, *r.mutable_role(), "Table New Role");
       }),
       StatusCode::OK, true},
      {Method::kCreateRole, "an unknown permission set", kAdmin,
       Make<v1::CreateRoleRequest>([](auto&, auto& r) {
         r.mutable_role()->set_name("Dangling Role");
         r.mutable_role()->set_permission_set_id(TransportFixture::kUnknownId);
       }),
       StatusCode::INVALID_ARGUMENT},
      {Method::kUpdateRole, "a new description", kAdmin,
       Make<v1::UpdateRoleRequest>([role](auto& f, auto& r) {
         f.EnsureRole("Table Role");
         role(f, *r.mutable_role(), "Table Role");
       }),
       StatusCode::OK, true},
      {Method::kDeleteRole, "an unused role", kAdmin,
       Make<v1::DeleteRoleRequest>([](auto& f, auto& r) {
         f.EnsureRole("Doomed Role");
         r.set_name("Doomed Role");
       }),
       StatusCode::OK, true},
      {Method::kDeleteRole, "a built-in role", kAdmin,
       Make<v1::DeleteRoleRequest>([](auto&, auto& r) { r.set_name("Admin"); }),
       StatusCode::FAILED_PRECONDITION},
  };
}

std::vector<TransportRow> AuthRows() {
  return {
      {Method::kGetAuthStatus, "as admin", kAdmin, Empty<v1::GetAuthStatusRequest>(),
       StatusCode::OK, true},
      {Method::kGetAuthStatus, "as the outsider", kOutsider, Empty<v1::GetAuthStatusRequest>(),
       StatusCode::OK, true},
      {Method::kValidateToken, "a minted token", kAdmin,
       Make<v1::ValidateTokenRequest>([](auto& f, auto& r) { r.set_token(f.MintedToken()); }),
       StatusCode::OK, true},
      {Method::kValidateToken, "not a token", kAdmin,
       Make<v1::ValidateTokenRequest>([](auto&, auto& r) { r.set_token("not-a-token"); }),
       StatusCode::UNAUTHENTICATED, true},
      {Method::kGetPublicKeys, "without credentials", kNobody, Empty<v1::GetPublicKeysRequest>(),
       StatusCode::OK, true},
      {Method::kListM2mConfigs, "as admin", kAdmin,
       Empty<v1::ListAuthMachineToMachineConfigsRequest>(), StatusCode::OK, true},
      {Method::kGetM2mConfig, "a configuration", kAdmin,
       ById<v1::GetAuthMachineToMachineConfigRequest>(
           [](auto& f) { return f.EnsureM2m(f.issuer_); }),
       StatusCode::OK, true},
      {Method::kGetM2mConfig, "an unknown id", kAdmin,
       UnknownId<v1::GetAuthMachineToMachineConfigRequest>(), StatusCode::NOT_FOUND},
      {Method::kAddM2mConfig, "a new issuer", kAdmin,
       Make<v1::AddAuthMachineToMachineConfigRequest>([](auto& f, auto& r) {
         f.RemoveM2m(f.other_issuer_);
         *r.mutable_config() = RepositoryM2mConfig(f.other_issuer_.url());
       }),
       StatusCode::OK, true},
      {Method::kAddM2mConfig, "an issuer that is not a URL", kAdmin,
       Make<v1::AddAuthMachineToMachineConfigRequest>(
           [](auto&, auto& r) { *r.mutable_config() = RepositoryM2mConfig("not a url"); }),
       StatusCode::INVALID_ARGUMENT, true},
      {Method::kUpdateM2mConfig, "a longer token lifetime", kAdmin,
       Make<v1::UpdateAuthMachineToMachineConfigRequest>([](auto& f, auto& r) {
         *r.mutable_config() = RepositoryM2mConfig(f.issuer_.url());
         r.mutable_config()->set_id(f.EnsureM2m(f.issuer_));
         r.mutable_config()->set_token_expiration_duration("20m");
       }),
       StatusCode::OK, true},
      {Method::kDeleteM2mConfig, "a configuration", kAdmin,
       ById<v1::DeleteAuthMachineToMachineConfigRequest>(
           [](auto& f) { return f.EnsureM2m(f.other_issuer_); }),
       StatusCode::OK},
      {Method::kExchangeM2mToken, "an ID token of a trusted issuer", kNobody,
       Make<v1::ExchangeAuthMachineToMachineTokenRequest>([](auto& f, auto& r) {
         r.set_id_token(f.issuer_.IdToken({{"repository", "org/repo"}}));
       }),
       StatusCode::OK, true},
      {Method::kExchangeM2mToken, "not an ID token", kNobody,
       Make<v1::ExchangeAuthMachineToMachineTokenRequest>(
           [](auto&, auto& r) { r.set_id_token("not-a-token"); }),
       StatusCode::INVALID_ARGUMENT, true},
  };
}

}  // namespace

constexpr Caller kSelf = Caller::kSelf;

std::vector<TransportRow> SignInRows() {
  auto provider = [](TransportFixture& f) {
    return TransportFixture::TransportProvider(f.issuer_);
  };
  return {
      {Method::kSignOut, "a token ending itself", kSelf, Empty<v1::SignOutRequest>(),
       StatusCode::OK, true},
      {Method::kSignOut, "the admin password", kAdmin, Empty<v1::SignOutRequest>(),
       StatusCode::FAILED_PRECONDITION, true},
      {Method::kListAuthProviders, "as admin", kAdmin,
       Make<v1::ListAuthProvidersRequest>([](auto& f, auto&) { f.EnsureProvider(); }),
       StatusCode::OK, true},
      {Method::kGetAuthProvider, "a provider", kAdmin,
       ById<v1::GetAuthProviderRequest>([](auto& f) { return f.EnsureProvider(); }), StatusCode::OK,
       true},
      {Method::kGetAuthProvider, "an unknown id", kAdmin, UnknownId<v1::GetAuthProviderRequest>(),
       StatusCode::NOT_FOUND, true},
      {Method::kAddAuthProvider, "as admin", kAdmin,
       Make<v1::AddAuthProviderRequest>([provider](auto& f, auto& r) {
         f.RemoveProvider();
         *r.mutable_provider() = provider(f);
       }),
       StatusCode::OK, true},
      {Method::kAddAuthProvider, "an issuer over http", kAdmin,
       Make<v1::AddAuthProviderRequest>([provider](auto& f, auto& r) {
         *r.mutable_provider() = provider(f);
         r.mutable_provider()->set_name("plain");
         r.mutable_provider()->set_issuer("http://idp.example.com");
       }),
       StatusCode::INVALID_ARGUMENT, true},
      {Method::kUpdateAuthProvider, "a rule added", kAdmin,
       Make<v1::UpdateAuthProviderRequest>([provider](auto& f, auto& r) {
         *r.mutable_provider() = provider(f);
         r.mutable_provider()->set_id(f.EnsureProvider());
         v1::AuthProviderRule* rule = r.mutable_provider()->add_rules();
         rule->set_key("email");
         rule->set_value_expression(".*@example\\.com");
         rule->set_role("Analyst");
       }),
       StatusCode::OK, true},
      {Method::kDeleteAuthProvider, "a provider", kAdmin,
       ById<v1::DeleteAuthProviderRequest>([](auto& f) { return f.EnsureProvider(); }),
       StatusCode::OK, true},
      {Method::kDeleteAuthProvider, "an unknown id", kAdmin,
       UnknownId<v1::DeleteAuthProviderRequest>(), StatusCode::NOT_FOUND, true},
      {Method::kGetSignInOptions, "anyone", kNobody,
       Make<v1::GetSignInOptionsRequest>([](auto& f, auto&) { f.EnsureProvider(); }),
       StatusCode::OK, true},
      {Method::kStartSignIn, "a known provider", kNobody,
       Make<v1::StartSignInRequest>([](auto& f, auto& r) {
         f.EnsureProvider();
         r.set_provider("transport");
         r.set_redirect_uri("http://127.0.0.1:9/callback");
       }),
       StatusCode::OK, true},
      {Method::kStartSignIn, "an unknown provider", kNobody,
       Make<v1::StartSignInRequest>([](auto&, auto& r) {
         r.set_provider("nobody");
         r.set_redirect_uri("http://127.0.0.1:9/callback");
       }),
       StatusCode::NOT_FOUND, true},
      {Method::kCompleteSignIn, "the provider's callback", kNobody,
       Make<v1::CompleteSignInRequest>([](auto& f, auto& r) { r = f.SignInCallback(); }),
       StatusCode::OK, true},
      {Method::kCompleteSignIn, "a forged state", kNobody,
       Make<v1::CompleteSignInRequest>([](auto& f, auto& r) {
         r = f.SignInCallback();
         r.set_state("forged");
       }),
       StatusCode::UNAUTHENTICATED, true},
      {Method::kStartDeviceSignIn, "a known provider", kNobody,
       Make<v1::StartDeviceSignInRequest>([](auto& f, auto& r) {
         f.EnsureProvider();
         r.set_provider("transport");
       }),
       StatusCode::OK, true},
      {Method::kCompleteDeviceSignIn, "an approved device", kNobody,
       Make<v1::CompleteDeviceSignInRequest>([](auto& f, auto& r) {
         f.EnsureProvider();
         r.set_provider("transport");
         r.set_device_code("device-code");
       }),
       StatusCode::OK, true},
  };
}

std::vector<TransportRow> TransportRows() {
  std::vector<TransportRow> rows;
  for (auto part : {TokenRows, PermissionSetAndScopeRows, RoleRows, AuthRows, SignInRows}) {
    for (TransportRow& row : part()) rows.push_back(std::move(row));
  }
  std::set<Method> derived;
  const size_t written = rows.size();
  for (size_t i = 0; i < written; ++i) {
    const TransportRow first = rows[i];
    const MethodInfo& info = Describe(first.method);
    if (info.anonymous || !derived.insert(first.method).second) continue;
    rows.push_back({first.method, "without credentials", kNobody, first.request,
                    StatusCode::UNAUTHENTICATED, true});
    if (!info.requirements.empty()) {
      rows.push_back({first.method, "without the permission", kOutsider, first.request,
                      StatusCode::PERMISSION_DENIED, true});
    }
  }
  return rows;
}

}  // namespace warden::testing
