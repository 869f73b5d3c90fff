#include "tests/e2e/transport_fixture.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tests/support/free_port.h"
#include "warden/v1/role.grpc.pb.h"

namespace warden::testing {
namespace {

const google::protobuf::MethodDescriptor& DescriptorOf(Method method) {
  const std::string name = absl::StrCat("warden.v1.", Describe(method).name);
  const auto* found = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  INFO(name);
  REQUIRE(found != nullptr);
  return *found;
}

std::unique_ptr<google::protobuf::Message> NewResponse(Method method) {
  const google::protobuf::Descriptor* type = DescriptorOf(method).output_type();
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

std::unique_ptr<google::protobuf::Message> NewRequest(Method method) {
  const google::protobuf::Descriptor* type = DescriptorOf(method).input_type();
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

// Fields whose values two equivalent calls do not share.
const std::set<std::string>& VolatileFields() {
  static const auto* names =
      new std::set<std::string>{"id",           "token",      "access_token",  "issued_at",
                                "expiration",   "revoked_at", "last_used_at",  "time_left",
                                "token_id",     "state",      "code_verifier", "authorization_url",
                                "rotated_from", "rotated_to"};
  return *names;
}

// The id of the item called `name`; "" when there is none.
template <typename Items>
std::string IdOfNamed(const Items& items, const std::string& name) {
  for (const auto& item : items) {
    if (item.name() == name) return item.id();
  }
  return "";
}

}  // namespace

ConnectCode ConnectCodeOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return {"ok", 200};
    case grpc::StatusCode::CANCELLED:
      return {"canceled", 499};
    case grpc::StatusCode::INVALID_ARGUMENT:
      return {"invalid_argument", 400};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {"deadline_exceeded", 504};
    case grpc::StatusCode::NOT_FOUND:
      return {"not_found", 404};
    case grpc::StatusCode::ALREADY_EXISTS:
      return {"already_exists", 409};
    case grpc::StatusCode::PERMISSION_DENIED:
      return {"permission_denied", 403};
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return {"resource_exhausted", 429};
    case grpc::StatusCode::FAILED_PRECONDITION:
      return {"failed_precondition", 400};
    case grpc::StatusCode::ABORTED:
      return {"aborted", 409};
    case grpc::StatusCode::OUT_OF_RANGE:
      return {"out_of_range", 400};
    case grpc::StatusCode::UNIMPLEMENTED:
      return {"unimplemented", 501};
    case grpc::StatusCode::UNAVAILABLE:
      return {"unavailable", 503};
    case grpc::StatusCode::UNAUTHENTICATED:
      return {"unauthenticated", 401};
    case grpc::StatusCode::INTERNAL:
      return {"internal", 500};
    case grpc::StatusCode::DATA_LOSS:
      return {"data_loss", 500};
    default:
      return {"unknown", 500};
  }
}

std::string ConnectPathOf(Method method) {
  return absl::StrCat("/warden.v1.", absl::StrReplaceAll(Describe(method).name, {{".", "/"}}));
}

void NormaliseVolatile(google::protobuf::Message* message) {
  const google::protobuf::Descriptor* type = message->GetDescriptor();
  const google::protobuf::Reflection* reflection = message->GetReflection();
  using Field = google::protobuf::FieldDescriptor;
  for (int i = 0; i < type->field_count(); ++i) {
    const Field* field = type->field(i);
    if (field->is_map()) continue;  // maps here hold names and access levels
    const bool is_message = field->cpp_type() == Field::CPPTYPE_MESSAGE;
    if (VolatileFields().count(field->name()) != 0 && !field->is_repeated()) {
      if (field->cpp_type() == Field::CPPTYPE_STRING &&
          !reflection->GetString(*message, field).empty()) {
        reflection->SetString(message, field, "<volatile>");
      } else if (is_message && reflection->HasField(*message, field)) {
        reflection->ClearField(message, field);
        reflection->MutableMessage(message, field);  // present, empty
      }
      continue;
    }
    if (!is_message) continue;
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(*message, field); ++j) {
        NormaliseVolatile(reflection->MutableRepeatedMessage(message, field, j));
      }
    } else if (reflection->HasField(*message, field)) {
      NormaliseVolatile(reflection->MutableMessage(message, field));
    }
  }
}

TransportFixture::TransportFixture()
    : issuer_(pki_),
      other_issuer_(pki_),
      metrics_port_(FreeTcpPort()),
      server_({{"WARDEN_DATABASE_URL", database_.url()},
               {"WARDEN_M2M_CA_FILE", pki_.Path("ca.pem")},
               {"WARDEN_METRICS_LISTEN", absl::StrCat("127.0.0.1:", metrics_port_)},
               // The table fails authentication on purpose far more often than the default
               // budget allows; http_connect_test.cc checks that budget on its own server.
               {"WARDEN_AUTH_FAILURE_RATE_LIMIT", "0"}}),
      api_(server_.channel()),
      roles_(server_.channel()),
      auth_(v1::AuthService::NewStub(server_.channel())),
      providers_(v1::AuthProviderService::NewStub(server_.channel())),
      http_(0) {
  audit_path_ = server_.data_dir() + "/audit.jsonl";
  server_.SetEnv("WARDEN_AUDIT_LOG", audit_path_);
  // A password of its own: a generated one turns off once the rows add an auth provider.
  std::filesystem::create_directories(server_.data_dir() + "/data");
  std::ofstream(server_.data_dir() + "/data/admin-password") << "transport-table-password\n";
  server_.SetEnv("WARDEN_ADMIN_PASSWORD_FILE", server_.data_dir() + "/data/admin-password");
  server_.ServeHttp();
  server_.Start();
  http_ = HttpClient(server_.http_port());
  admin_ = server_.AdminAuthorization();
  // The outsider: a role that grants only Image READ.
  auto set =
      roles_.CreatePermissionSet(admin_, "Image Reader", {{"Image", v1::ACCESS_LEVEL_READ_ACCESS}});
  REQUIRE(set.ok());
  REQUIRE(roles_.CreateRole(admin_, "Image Reader", set.response.permission_set().id()).ok());
  auto outsider = api_.Generate(admin_, "outsider", {"Image Reader"});
  REQUIRE(outsider.ok());
  outsider_ = Bearer(outsider.response.token());
  EnsureM2m(issuer_);
}

std::vector<std::string> TransportFixture::AuthorizationOf(Caller caller) {
  switch (caller) {
    case Caller::kAdmin:
      return {admin_};
    case Caller::kOutsider:
      return {outsider_};
    case Caller::kSelf: {
      auto minted = api_.Generate(admin_, "for one call", {"Analyst"});
      REQUIRE(minted.ok());
      return {Bearer(minted.response.token())};
    }
    case Caller::kNobody:
      break;
  }
  return {};
}

WireAnswer TransportFixture::OverGrpc(Method method, const std::string& bytes, Caller caller) {
  grpc::GenericStub stub(server_.channel());
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  SetDeadline(&context, 10);
  for (const std::string& value : AuthorizationOf(caller))
    context.AddMetadata("authorization", value);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, ConnectPathOf(method), grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  const grpc::Status status = done.get_future().get();
  WireAnswer answer{status.error_code(), status.error_message(), nullptr};
  if (status.ok()) {
    grpc::Slice all;
    REQUIRE(response.DumpToSingleSlice(&all).ok());
    answer.response = NewResponse(method);
    REQUIRE(answer.response->ParseFromArray(all.begin(), static_cast<int>(all.size())));
  }
  return answer;
}

WireAnswer TransportFixture::OverConnect(Method method, const std::string& bytes, Caller caller,
                                         bool json, HttpReply* raw) {
  std::string body = bytes;
  if (json) {
    std::unique_ptr<google::protobuf::Message> request = NewRequest(method);
    REQUIRE(request->ParseFromString(bytes));
    body.clear();
    REQUIRE(google::protobuf::util::MessageToJsonString(*request, &body).ok());
  }
  *raw = http_.Connect(ConnectPathOf(method), json ? "application/json" : "application/proto", body,
                       AuthorizationOf(caller));
  WireAnswer answer;
  if (raw->status != 200) {
    const nlohmann::json error = raw->Json();
    answer.code = grpc::StatusCode::UNKNOWN;
    for (int code = 0; code <= 16; ++code) {
      const auto candidate = static_cast<grpc::StatusCode>(code);
      if (!error.is_discarded() && error.value("code", "") == ConnectCodeOf(candidate).name) {
        answer.code = candidate;
      }
    }
    answer.message = error.is_discarded() ? raw->body : error.value("message", "");
    return answer;
  }
  answer.response = NewResponse(method);
  if (json) {
    google::protobuf::util::JsonParseOptions strict;
    REQUIRE(
        google::protobuf::util::JsonStringToMessage(raw->body, answer.response.get(), strict).ok());
  } else {
    REQUIRE(answer.response->ParseFromString(raw->body));
  }
  return answer;
}

std::string TransportFixture::MintedToken() {
  if (minted_token_.empty()) {
    auto minted = api_.Generate(admin_, "table token", {"Analyst"});
    REQUIRE(minted.ok());
    minted_token_ = minted.response.token();
    minted_token_id_ = minted.response.metadata().id();
  }
  return minted_token_;
}

std::string TransportFixture::MintedTokenId() {
  MintedToken();
  return minted_token_id_;
}

std::string TransportFixture::MintFreshTokenId() {
  auto minted = api_.Generate(admin_, "to revoke", {"Analyst"});
  REQUIRE(minted.ok());
  return minted.response.metadata().id();
}

std::string TransportFixture::EnsurePermissionSet(const std::string& name) {
  auto sets = roles_.Call(&v1::RoleService::Stub::ListPermissionSets, admin_,
                          v1::ListPermissionSetsRequest());
  REQUIRE(sets.ok());
  if (std::string id = IdOfNamed(sets.response.permission_sets(), name); !id.empty()) return id;
  auto created =
      roles_.CreatePermissionSet(admin_, name, {{"Image", v1::ACCESS_LEVEL_READ_ACCESS}});
  INFO(created.message());
  REQUIRE(created.ok());
  return created.response.permission_set().id();
}

void TransportFixture::RemovePermissionSet(const std::string& name) {
  v1::DeletePermissionSetRequest request;
  request.set_id(EnsurePermissionSet(name));
  REQUIRE(roles_.Call(&v1::RoleService::Stub::DeletePermissionSet, admin_, request).ok());
}

std::string TransportFixture::EnsureAccessScope(const std::string& name) {
  auto scopes =
      roles_.Call(&v1::RoleService::Stub::ListAccessScopes, admin_, v1::ListAccessScopesRequest());
  REQUIRE(scopes.ok());
  if (std::string id = IdOfNamed(scopes.response.access_scopes(), name); !id.empty()) return id;
  v1::CreateAccessScopeRequest request;
  request.mutable_access_scope()->set_name(name);
  request.mutable_access_scope()->mutable_rules()->add_clusters("production");
  auto created = roles_.Call(&v1::RoleService::Stub::CreateAccessScope, admin_, request);
  INFO(created.message());
  REQUIRE(created.ok());
  return created.response.access_scope().id();
}

void TransportFixture::RemoveAccessScope(const std::string& name) {
  v1::DeleteAccessScopeRequest request;
  request.set_id(EnsureAccessScope(name));
  REQUIRE(roles_.Call(&v1::RoleService::Stub::DeleteAccessScope, admin_, request).ok());
}

void TransportFixture::EnsureRole(const std::string& name) {
  v1::GetRoleRequest get;
  get.set_name(name);
  if (roles_.Call(&v1::RoleService::Stub::GetRole, admin_, get).ok()) return;
  auto created = roles_.CreateRole(admin_, name, EnsurePermissionSet("Table Set"));
  INFO(created.message());
  REQUIRE(created.ok());
}

void TransportFixture::RemoveRole(const std::string& name) {
  v1::DeleteRoleRequest request;
  request.set_name(name);
  auto deleted = roles_.Call(&v1::RoleService::Stub::DeleteRole, admin_, request);
  REQUIRE((deleted.ok() || deleted.code() == grpc::StatusCode::NOT_FOUND));
}

std::string TransportFixture::EnsureM2m(const FakeIssuer& issuer) {
  auto configs = CallWithAuthorization<v1::ListAuthMachineToMachineConfigsResponse>(
      [this](auto* c, const auto& r, auto* o) {
        return auth_->ListAuthMachineToMachineConfigs(c, r, o);
      },
      admin_, v1::ListAuthMachineToMachineConfigsRequest());
  REQUIRE(configs.ok());
  for (const v1::AuthMachineToMachineConfig& config : configs.response.configs()) {
    if (config.issuer() == issuer.url()) return config.id();
  }
  v1::AddAuthMachineToMachineConfigRequest request;
  *request.mutable_config() = RepositoryM2mConfig(issuer.url());
  auto added = CallWithAuthorization<v1::AddAuthMachineToMachineConfigResponse>(
      [this](auto* c, const auto& r, auto* o) {
        return auth_->AddAuthMachineToMachineConfig(c, r, o);
      },
      admin_, request);
  INFO(added.message());
  REQUIRE(added.ok());
  return added.response.config().id();
}

void TransportFixture::RemoveM2m(const FakeIssuer& issuer) {
  v1::DeleteAuthMachineToMachineConfigRequest request;
  request.set_id(EnsureM2m(issuer));
  auto deleted = CallWithAuthorization<v1::DeleteAuthMachineToMachineConfigResponse>(
      [this](auto* c, const auto& r, auto* o) {
        return auth_->DeleteAuthMachineToMachineConfig(c, r, o);
      },
      admin_, request);
  REQUIRE(deleted.ok());
}

v1::AuthProvider TransportFixture::TransportProvider(const FakeIssuer& issuer) {
  v1::AuthProvider provider;
  provider.set_name("transport");
  provider.set_issuer(issuer.url());
  provider.set_client_id(FakeIssuer::kSignInClient);
  v1::AuthProviderRule* rule = provider.add_rules();
  rule->set_key("groups");
  rule->set_value_expression("people");
  rule->set_role("Analyst");
  return provider;
}

std::string TransportFixture::EnsureProvider() {
  auto listed = CallWithAuthorization<v1::ListAuthProvidersResponse>(
      [this](auto* c, const auto& r, auto* o) { return providers_->ListAuthProviders(c, r, o); },
      admin_, v1::ListAuthProvidersRequest());
  REQUIRE(listed.ok());
  if (std::string id = IdOfNamed(listed.response.providers(), "transport"); !id.empty()) {
    return id;
  }
  v1::AddAuthProviderRequest request;
  *request.mutable_provider() = TransportProvider(issuer_);
  auto added = CallWithAuthorization<v1::AddAuthProviderResponse>(
      [this](auto* c, const auto& r, auto* o) { return providers_->AddAuthProvider(c, r, o); },
      admin_, request);
  INFO(added.message());
  REQUIRE(added.ok());
  return added.response.provider().id();
}

void TransportFixture::RemoveProvider() {
  v1::DeleteAuthProviderRequest request;
  request.set_id(EnsureProvider());
  auto deleted = CallWithAuthorization<v1::DeleteAuthProviderResponse>(
      [this](auto* c, const auto& r, auto* o) { return providers_->DeleteAuthProvider(c, r, o); },
      admin_, request);
  REQUIRE(deleted.ok());
}

v1::CompleteSignInRequest TransportFixture::SignInCallback() {
  EnsureProvider();
  v1::StartSignInRequest start;
  start.set_provider("transport");
  start.set_redirect_uri("http://127.0.0.1:9/callback");
  auto started = CallWithAuthorization<v1::StartSignInResponse>(
      [this](auto* c, const auto& r, auto* o) { return providers_->StartSignIn(c, r, o); }, "",
      start);
  INFO(started.message());
  REQUIRE(started.ok());
  const std::string& url = started.response.authorization_url();
  const size_t at = url.find("&nonce=");
  REQUIRE(at != std::string::npos);
  const size_t from = at + 7;
  v1::CompleteSignInRequest callback;
  callback.set_state(started.response.state());
  callback.set_code("nonce:" + url.substr(from, url.find('&', from) - from));
  callback.set_code_verifier(started.response.code_verifier());
  return callback;
}

}  // namespace warden::testing
