#include "server/http/fast_json.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "server/http/json_string.h"
#include "warden/v1/auth.pb.h"

namespace warden::http {
namespace {

// Fields protobuf's printer would have to skip (or meet) that this writer does not know.
bool HasUnknownFields(const google::protobuf::Message& message) {
  return !message.GetReflection()->GetUnknownFields(message).empty();
}

// The JSON object being written: each Key() puts the comma before all but the first member.
class ObjectWriter final {
 public:
  explicit ObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  void Key(absl::string_view name) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    out_->append(name.data(), name.size());
    out_->append("\":");
  }
  void Close() { out_->push_back('}'); }

 private:
  std::string* out_;
  bool first_ = true;
};

bool AppendStrings(const google::protobuf::RepeatedPtrField<std::string>& values,
                   std::string* out) {
  out->push_back('[');
  for (int i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    if (!AppendProtobufJsonString(values.Get(i), out)) return false;
  }
  out->push_back(']');
  return true;
}

void AppendTwoDigits(int value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

void AppendDigits(int64_t value, int width, std::string* out) {
  char digits[16];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(digits, static_cast<size_t>(width));
}

// RFC 3339 in UTC as protobuf writes a Timestamp: "2026-12-06T08:00:00Z", with 3, 6 or 9
// digits of fraction when the nanoseconds are not zero. False outside protobuf's range
// (years 1 to 9999, nanos in [0, 1e9)), which its printer reports as an error.
bool AppendTimestamp(const google::protobuf::Timestamp& timestamp, std::string* out) {
  constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  const int64_t seconds = timestamp.seconds();
  const int32_t nanos = timestamp.nanos();
  if (seconds < kMinSeconds || seconds > kMaxSeconds || nanos < 0 || nanos > 999'999'999) {
    return false;
  }
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  // Days since 1970-01-01 to a civil date (H. Hinnant's days_from_civil, inverted).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_index = (5 * day_of_year + 2) / 153;  // March is 0
  const int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  const int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);

  out->push_back('"');
  AppendDigits(year, 4, out);
  out->push_back('-');
  AppendTwoDigits(month, out);
  out->push_back('-');
  AppendTwoDigits(day, out);
  out->push_back('T');
  AppendTwoDigits(static_cast<int>(second_of_day / 3600), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int>(second_of_day / 60 % 60), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int>(second_of_day % 60), out);
  if (nanos != 0) {
    out->push_back('.');
    if (nanos % 1'000'000 == 0) {
      AppendDigits(nanos / 1'000'000, 3, out);
    } else if (nanos % 1'000 == 0) {
      AppendDigits(nanos / 1'000, 6, out);
    } else {
      AppendDigits(nanos, 9, out);
    }
  }
  out->append("Z\"");
  return true;
}

bool AppendClaim(const v1::IdentityClaim& claim, std::string* out) {
  if (HasUnknownFields(claim)) return false;
  ObjectWriter object(out);
  if (!claim.key().empty()) {
    object.Key("key");
    if (!AppendProtobufJsonString(claim.key(), out)) return false;
  }
  if (!claim.values().empty()) {
    object.Key("values");
    if (!AppendStrings(claim.values(), out)) return false;
  }
  object.Close();
  return true;
}

// The permission map, sorted by resource name.
bool AppendPermissions(const google::protobuf::Map<std::string, v1::AccessLevel>& permissions,
                       std::string* out) {
  using Entry = google::protobuf::Map<std::string, v1::AccessLevel>::value_type;
  std::vector<const Entry*> entries;
  entries.reserve(permissions.size());
  for (const Entry& entry : permissions) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const Entry* a, const Entry* b) { return a->first < b->first; });
  out->push_back('{');
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out->push_back(',');
    if (!v1::AccessLevel_IsValid(entries[i]->second)) return false;
    if (!AppendProtobufJsonString(entries[i]->first, out)) return false;
    out->append(":\"");
    out->append(v1::AccessLevel_Name(entries[i]->second));
    out->push_back('"');
  }
  out->push_back('}');
  return true;
}

bool AppendIdentity(const v1::Identity& identity, std::string* out) {
  if (HasUnknownFields(identity)) return false;
  ObjectWriter object(out);
  // Fields in field-number order, as protobuf's printer (which reads the binary form) has them.
  if (identity.kind() != 0) {
    if (!v1::IdentityKind_IsValid(identity.kind())) return false;
    object.Key("kind");
    out->push_back('"');
    out->append(v1::IdentityKind_Name(identity.kind()));
    out->push_back('"');
  }
  if (!identity.id().empty()) {
    object.Key("id");
    if (!AppendProtobufJsonString(identity.id(), out)) return false;
  }
  if (!identity.name().empty()) {
    object.Key("name");
    if (!AppendProtobufJsonString(identity.name(), out)) return false;
  }
  if (!identity.roles().empty()) {
    object.Key("roles");
    if (!AppendStrings(identity.roles(), out)) return false;
  }
  if (!identity.permissions().empty()) {
    object.Key("permissions");
    if (!AppendPermissions(identity.permissions(), out)) return false;
  }
  if (identity.has_expiration()) {
    if (HasUnknownFields(identity.expiration())) return false;
    object.Key("expiration");
    if (!AppendTimestamp(identity.expiration(), out)) return false;
  }
  if (!identity.auth_provider().empty()) {
    object.Key("authProvider");
    if (!AppendProtobufJsonString(identity.auth_provider(), out)) return false;
  }
  if (!identity.claims().empty()) {
    object.Key("claims");
    out->push_back('[');
    for (int i = 0; i < identity.claims_size(); ++i) {
      if (i > 0) out->push_back(',');
      if (!AppendClaim(identity.claims(i), out)) return false;
    }
    out->push_back(']');
  }
  if (!identity.token_id().empty()) {
    object.Key("tokenId");
    if (!AppendProtobufJsonString(identity.token_id(), out)) return false;
  }
  object.Close();
  return true;
}

// {"identity": ...} or {} for ValidateTokenResponse and GetAuthStatusResponse alike.
template <typename Response>
bool AppendIdentityResponse(const Response& response, std::string* out) {
  if (HasUnknownFields(response)) return false;
  ObjectWriter object(out);
  if (response.has_identity()) {
    object.Key("identity");
    if (!AppendIdentity(response.identity(), out)) return false;
  }
  object.Close();
  return true;
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool EncodeJsonFast(const google::protobuf::Message& message, std::string* out) {
  std::string json;
  bool written = false;
  if (const auto* validate =
          google::protobuf::DynamicCastToGenerated<v1::ValidateTokenResponse>(&message)) {
    json.reserve(1024 + 64 * static_cast<size_t>(validate->identity().permissions_size()));
    written = AppendIdentityResponse(*validate, &json);
  } else if (const auto* status =
                 google::protobuf::DynamicCastToGenerated<v1::GetAuthStatusResponse>(&message)) {
    json.reserve(1024 + 64 * static_cast<size_t>(status->identity().permissions_size()));
    written = AppendIdentityResponse(*status, &json);
  }
  if (!written) return false;
  *out = std::move(json);
  return true;
}

bool DecodeJsonFast(absl::string_view json, google::protobuf::Message* out) {
  auto* request = google::protobuf::DynamicCastToGenerated<v1::ValidateTokenRequest>(out);
  if (request == nullptr) return false;
  size_t at = 0;
  const auto skip_space = [&] {
    while (at < json.size() && IsJsonSpace(json[at])) ++at;
  };
  const auto take = [&](absl::string_view text) {
    if (json.substr(at, text.size()) != text) return false;
    at += text.size();
    return true;
  };
  skip_space();
  if (!take("{")) return false;
  skip_space();
  absl::string_view token;
  if (!take("}")) {
    if (!take("\"token\"")) return false;
    skip_space();
    if (!take(":")) return false;
    skip_space();
    if (!take("\"")) return false;
    const size_t start = at;
    while (at < json.size() && json[at] >= 0x20 && json[at] <= 0x7e && json[at] != '"' &&
           json[at] != '\\') {
      ++at;
    }
    token = json.substr(start, at - start);
    if (!take("\"")) return false;
    skip_space();
    if (!take("}")) return false;
  }
  skip_space();
  if (at != json.size()) return false;
  // As protobuf's parser, which parses into a cleared message.
  request->Clear();
  request->set_token(token.data(), token.size());
  return true;
}

}  // namespace warden::http
