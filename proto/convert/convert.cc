#include "proto/convert/convert.h"

#include "absl/strings/str_cat.h"

namespace warden {

void ToProto(absl::Time t, google::protobuf::Timestamp* out) {
  timespec ts = absl::ToTimespec(t);
  out->set_seconds(ts.tv_sec);
  out->set_nanos(static_cast<int32_t>(ts.tv_nsec));
}

void ToProto(absl::Duration d, google::protobuf::Duration* out) {
  int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
}

absl::StatusOr<absl::Time> FromProto(const google::protobuf::Timestamp& ts, const char* field) {
  // The range google.protobuf.Timestamp documents: 0001-01-01 to 9999-12-31.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid timestamp"));
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::StatusOr<absl::Duration> FromProto(const google::protobuf::Duration& d, const char* field) {
  // The range google.protobuf.Duration documents: about ±10,000 years, nanos of one sign.
  constexpr int64_t kMaxSeconds = 315576000000;
  if (d.seconds() < -kMaxSeconds || d.seconds() > kMaxSeconds || d.nanos() < -999999999 ||
      d.nanos() > 999999999 || (d.seconds() > 0 && d.nanos() < 0) ||
      (d.seconds() < 0 && d.nanos() > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid duration"));
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

void ToProto(const TokenMetadata& token, v1::TokenMetadata* out) {
  out->set_id(token.id);
  out->set_name(token.name);
  for (const std::string& role : token.roles) out->add_roles(role);
  ToProto(token.issued_at, out->mutable_issued_at());
  ToProto(token.expires_at, out->mutable_expiration());
  out->set_revoked(token.revoked);
  if (token.revoked_at.has_value()) ToProto(*token.revoked_at, out->mutable_revoked_at());
  out->set_created_by(token.created_by);
  out->set_created_by_name(token.created_by_name);
  if (token.last_used_at.has_value()) ToProto(*token.last_used_at, out->mutable_last_used_at());
  out->set_description(token.description);
  out->set_rotated_from(token.rotated_from);
  out->set_rotated_to(token.rotated_to);
}

v1::AccessLevel ToProto(Access access) {
  switch (access) {
    case Access::kNoAccess:
      return v1::ACCESS_LEVEL_NO_ACCESS;
    case Access::kRead:
      return v1::ACCESS_LEVEL_READ_ACCESS;
    case Access::kReadWrite:
      return v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  }
  return v1::ACCESS_LEVEL_UNSPECIFIED;
}

std::optional<Access> FromProto(v1::AccessLevel level) {
  switch (level) {
    case v1::ACCESS_LEVEL_NO_ACCESS:
      return Access::kNoAccess;
    case v1::ACCESS_LEVEL_READ_ACCESS:
      return Access::kRead;
    case v1::ACCESS_LEVEL_READ_WRITE_ACCESS:
      return Access::kReadWrite;
    default:
      return std::nullopt;
  }
}

namespace {

v1::IdentityKind ToProto(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::kApiToken:
      return v1::IDENTITY_KIND_API_TOKEN;
    case IdentityKind::kAdmin:
      return v1::IDENTITY_KIND_ADMIN;
    case IdentityKind::kM2m:
      return v1::IDENTITY_KIND_M2M;
    case IdentityKind::kUser:
      return v1::IDENTITY_KIND_USER;
  }
  return v1::IDENTITY_KIND_UNSPECIFIED;
}

}  // namespace

void ToProto(const Identity& identity, const PermissionMap& permissions, v1::Identity* out) {
  out->set_kind(ToProto(identity.kind));
  out->set_id(identity.id);
  out->set_name(identity.name);
  for (const std::string& role : identity.roles) out->add_roles(role);
  for (const auto& [resource, level] : permissions) {
    if (level != Access::kNoAccess) (*out->mutable_permissions())[resource] = ToProto(level);
  }
  if (identity.expires_at.has_value()) ToProto(*identity.expires_at, out->mutable_expiration());
  out->set_token_id(identity.token_id);
  if (identity.kind == IdentityKind::kUser) {
    // A person's id is "<provider name>:<sub>"; provider names hold no ':'.
    out->set_auth_provider(identity.id.substr(0, identity.id.find(':')));
    for (const auto& [key, values] : identity.claims) {
      v1::IdentityClaim* claim = out->add_claims();
      claim->set_key(key);
      for (const std::string& value : values) claim->add_values(value);
    }
  }
}

}  // namespace warden
