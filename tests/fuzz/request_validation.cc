// Fuzzes the input validation of the gRPC handlers, without a server or a database: bytes
// are parsed as a warden.v1 request (as gRPC would), then go through the conversions
// (server/rpc/*convert*) and checks (domain/names, server/roles/role_validation,
// server/m2m/m2m_validation, storage/token_cursor, oidc::PeekIssuer) the services and use
// cases run before storage sees anything.
//
// Checks: nothing but INVALID_ARGUMENT comes out of validation; what validates converts back
// to the same request (proto -> domain -> proto -> domain), page tokens re-encode to the same
// cursor, and a valid M2M configuration's mappings compile and match sanely.
//
// Input: one byte choosing the request type (see kinds below), then its serialized message.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/random.h"
#include "domain/names.h"
#include "domain/role.h"
#include "google/protobuf/stubs/logging.h"
#include "proto/convert/convert.h"
#include "proto/convert/role_convert.h"
#include "server/api/m2m_convert.h"
#include "server/m2m/m2m_validation.h"
#include "server/m2m/mapping_matcher.h"
#include "server/oidc/id_token.h"
#include "server/roles/role_validation.h"
#include "storage/token_cursor.h"
#include "tests/fuzz/fuzz_check.h"
#include "warden/v1/auth.pb.h"
#include "warden/v1/role.pb.h"
#include "warden/v1/token.pb.h"

namespace warden::fuzz {
namespace {

void CheckInvalidArgument(const absl::Status& status) {
  FUZZ_CHECK_STATUS(status.ok() || absl::IsInvalidArgument(status), status);
}

template <typename Message>
bool Parse(const uint8_t* data, size_t size, Message* message) {
  return message->ParseFromArray(data, static_cast<int>(size));
}

// TokenService.GenerateToken, then TokenAuthority::Mint's checks before any role lookup.
void CheckGenerateToken(const v1::GenerateTokenRequest& request) {
  CheckInvalidArgument(ValidateName(request.name(), "token name"));
  if (!request.has_expiration()) return;
  const absl::StatusOr<absl::Time> expiration = FromProto(request.expiration(), "expiration");
  CheckInvalidArgument(expiration.status());
  if (!expiration.ok()) return;
  google::protobuf::Timestamp back;
  ToProto(*expiration, &back);
  FUZZ_CHECK(back.seconds() == request.expiration().seconds() &&
             back.nanos() == request.expiration().nanos());
}

// A page token from a client: decodes to a cursor that encodes back to an equal cursor.
void CheckPageToken(const std::string& page_token) {
  if (page_token.empty()) return;
  const absl::StatusOr<storage::TokenCursor> cursor = storage::DecodeCursor(page_token);
  CheckInvalidArgument(cursor.status());
  if (!cursor.ok()) return;
  FUZZ_CHECK(IsUuid(cursor->id));
  const absl::StatusOr<storage::TokenCursor> again =
      storage::DecodeCursor(storage::EncodeCursor(*cursor));
  FUZZ_CHECK_STATUS(again.ok(), again.status());
  FUZZ_CHECK(*again == *cursor);
}

void CheckObjectId(const std::string& id) {
  const absl::Status valid = ValidateObjectId(id, "id");
  CheckInvalidArgument(valid);
  FUZZ_CHECK(valid.ok() == IsUuid(id));
}

// RoleService.{Create,Update}PermissionSet, then RoleAuthority's checks.
void CheckPermissionSet(const v1::PermissionSet& message) {
  const absl::StatusOr<PermissionSetSpec> spec = FromProto(message);
  CheckInvalidArgument(spec.status());
  if (!spec.ok()) return;
  const absl::Status valid = ValidatePermissionSetSpec(*spec);
  CheckInvalidArgument(valid);
  if (!valid.ok()) return;
  FUZZ_CHECK(ValidateName(spec->name, "name").ok());
  FUZZ_CHECK(spec->description.size() <= kMaxDescriptionBytes);
  PermissionSet set;
  set.name = spec->name;
  set.description = spec->description;
  set.permissions = spec->permissions;
  v1::PermissionSet back;
  ToProto(set, &back);
  const absl::StatusOr<PermissionSetSpec> again = FromProto(back);
  FUZZ_CHECK_STATUS(again.ok(), again.status());
  FUZZ_CHECK(again->name == spec->name && again->description == spec->description &&
             again->permissions == spec->permissions);
}

void CheckAccessScope(const v1::AccessScope& message) {
  const AccessScopeSpec spec = FromProto(message);
  const absl::Status valid = ValidateAccessScopeSpec(spec);
  CheckInvalidArgument(valid);
  if (!valid.ok()) return;
  FUZZ_CHECK(ValidateName(spec.name, "name").ok());
  for (const NamespaceRef& ns : spec.rules.namespaces) {
    FUZZ_CHECK(!ns.cluster.empty() && !ns.name.empty());
  }
  AccessScope scope;
  scope.name = spec.name;
  scope.description = spec.description;
  scope.rules = spec.rules;
  v1::AccessScope back;
  ToProto(scope, &back);
  const AccessScopeSpec again = FromProto(back);
  FUZZ_CHECK(again.name == spec.name && again.description == spec.description &&
             again.rules == spec.rules);
}

void CheckRole(const v1::Role& message) {
  const RoleSpec spec = FromProto(message);
  // An empty scope id means Unrestricted; never an empty id downstream.
  FUZZ_CHECK(!spec.access_scope_id.empty());
  const absl::Status valid = ValidateRoleSpec(spec);
  CheckInvalidArgument(valid);
  if (!valid.ok()) return;
  FUZZ_CHECK(IsUuid(spec.permission_set_id) && IsUuid(spec.access_scope_id));
  Role role;
  role.name = spec.name;
  role.description = spec.description;
  role.permission_set.id = spec.permission_set_id;
  role.access_scope.id = spec.access_scope_id;
  v1::Role back;
  ToProto(role, &back);
  const RoleSpec again = FromProto(back);
  FUZZ_CHECK(again.name == spec.name && again.description == spec.description &&
             again.permission_set_id == spec.permission_set_id &&
             again.access_scope_id == spec.access_scope_id);
}

bool SameM2m(const M2mConfig& a, const M2mConfig& b) {
  return a.id == b.id && a.type == b.type && a.issuer == b.issuer && a.audiences == b.audiences &&
         a.allow_any_audience == b.allow_any_audience && a.token_lifetime == b.token_lifetime &&
         a.mappings == b.mappings;
}

// AuthService.{Add,Update}AuthMachineToMachineConfig, then M2mAuthority's validation.
void CheckM2mConfig(const v1::AuthMachineToMachineConfig& message) {
  const absl::StatusOr<M2mConfig> config = FromProto(message);
  CheckInvalidArgument(config.status());
  if (!config.ok()) return;
  const absl::StatusOr<M2mConfig> valid = ValidateM2mConfig(*config);
  CheckInvalidArgument(valid.status());
  if (!valid.ok()) return;
  FUZZ_CHECK(valid->token_lifetime >= kMinM2mTokenLifetime &&
             valid->token_lifetime <= kMaxM2mTokenLifetime);
  FUZZ_CHECK(!valid->mappings.empty());
  FUZZ_CHECK(!valid->audiences.empty() || valid->allow_any_audience);
  if (valid->type == M2mType::kGithubActions) FUZZ_CHECK(valid->issuer == kGithubActionsIssuer);

  // What the server answers is what a client sends back to update it: it must validate to
  // the same configuration (ids are kept by FromProto).
  v1::AuthMachineToMachineConfig back;
  ToProto(*valid, &back);
  const absl::StatusOr<M2mConfig> reread = FromProto(back);
  FUZZ_CHECK_STATUS(reread.ok(), reread.status());
  const absl::StatusOr<M2mConfig> revalidated = ValidateM2mConfig(*reread);
  FUZZ_CHECK_STATUS(revalidated.ok(), revalidated.status());
  FUZZ_CHECK(SameM2m(*revalidated, *valid));

  // Every expression compiled, so the matcher can grant only the mappings' roles.
  const MappingMatcher matcher(valid->mappings);
  FlatClaims claims = {{"repository", {"octo-org/octo-repo"}},
                       {"ref", {"refs/heads/main"}},
                       {"sub", {"repo:octo-org/octo-repo:ref:refs/heads/main"}},
                       {"groups", {"admins", "developers"}}};
  for (const M2mMapping& mapping : valid->mappings) {
    claims[mapping.key].push_back(mapping.value_expression);  // Matches itself, sometimes.
  }
  const std::vector<std::string> roles = matcher.Roles(claims);
  FUZZ_CHECK(std::is_sorted(roles.begin(), roles.end()));
  for (const std::string& role : roles) {
    FUZZ_CHECK(std::any_of(valid->mappings.begin(), valid->mappings.end(),
                           [&role](const M2mMapping& m) { return m.role == role; }));
  }
}

// AuthService.ExchangeAuthMachineToMachineToken: the issuer is peeked before anything else.
void CheckExchange(const v1::ExchangeAuthMachineToMachineTokenRequest& request) {
  if (request.id_token().empty()) return;  // The service answers INVALID_ARGUMENT itself.
  const absl::StatusOr<std::string> issuer = oidc::PeekIssuer(request.id_token());
  CheckInvalidArgument(issuer.status());
  if (issuer.ok()) FUZZ_CHECK(!issuer->empty());
}

}  // namespace
}  // namespace warden::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid UTF-8 in a string field fails the parse (as it does in gRPC) with a log line
  // each time; the log would only slow the fuzzer down.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace warden;
  using namespace warden::fuzz;
  if (size < 1) return 0;
  const uint8_t kind = data[0];
  ++data;
  --size;
  switch (kind % 12) {
    case 0: {
      v1::GenerateTokenRequest request;
      if (Parse(data, size, &request)) CheckGenerateToken(request);
      break;
    }
    case 1: {
      v1::ListTokensRequest request;
      if (Parse(data, size, &request)) CheckPageToken(request.page_token());
      break;
    }
    case 2: {
      v1::ListExpiringTokensRequest request;
      if (Parse(data, size, &request)) CheckPageToken(request.page_token());
      break;
    }
    case 3: {
      v1::GetTokenRequest request;  // RevokeTokenRequest has the same shape.
      if (Parse(data, size, &request)) CheckObjectId(request.id());
      break;
    }
    case 4: {
      v1::CreatePermissionSetRequest request;
      if (Parse(data, size, &request)) CheckPermissionSet(request.permission_set());
      break;
    }
    case 5: {
      v1::UpdatePermissionSetRequest request;
      if (Parse(data, size, &request)) {
        CheckObjectId(request.permission_set().id());
        CheckPermissionSet(request.permission_set());
      }
      break;
    }
    case 6: {
      v1::CreateAccessScopeRequest request;
      if (Parse(data, size, &request)) CheckAccessScope(request.access_scope());
      break;
    }
    case 7: {
      v1::UpdateAccessScopeRequest request;
      if (Parse(data, size, &request)) {
        CheckObjectId(request.access_scope().id());
        CheckAccessScope(request.access_scope());
      }
      break;
    }
    case 8: {
      v1::CreateRoleRequest request;
      if (Parse(data, size, &request)) CheckRole(request.role());
      break;
    }
    case 9: {
      v1::AddAuthMachineToMachineConfigRequest request;
      if (Parse(data, size, &request)) CheckM2mConfig(request.config());
      break;
    }
    case 10: {
      v1::UpdateAuthMachineToMachineConfigRequest request;
      if (Parse(data, size, &request)) CheckM2mConfig(request.config());
      break;
    }
    case 11: {
      v1::ExchangeAuthMachineToMachineTokenRequest request;
      if (Parse(data, size, &request)) CheckExchange(request);
      break;
    }
  }
  return 0;
}
