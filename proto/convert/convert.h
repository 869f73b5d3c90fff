#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/access.h"
#include "domain/identity.h"
#include "domain/token.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "warden/v1/auth.pb.h"
#include "warden/v1/token.pb.h"

namespace warden {

// Conversions between protobuf messages and domain types: the rpc layer's, and the client
// library's local validation (which reuses the server's validation).

void ToProto(absl::Time t, google::protobuf::Timestamp* out);
void ToProto(absl::Duration d, google::protobuf::Duration* out);
// INVALID_ARGUMENT if the timestamp is outside the range protobuf allows. `field` names it.
absl::StatusOr<absl::Time> FromProto(const google::protobuf::Timestamp& ts, const char* field);
absl::StatusOr<absl::Duration> FromProto(const google::protobuf::Duration& d, const char* field);

void ToProto(const TokenMetadata& token, v1::TokenMetadata* out);
v1::AccessLevel ToProto(Access access);
// nullopt for UNSPECIFIED and values this version does not know.
std::optional<Access> FromProto(v1::AccessLevel level);
// `permissions` are the identity's resolved permissions.
void ToProto(const Identity& identity, const PermissionMap& permissions, v1::Identity* out);

}  // namespace warden
