#include "server/oidc/http_fetcher.h"

#include <charconv>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace warden::oidc {
namespace {

constexpr char kHttpStatusPayload[] = "type.googleapis.com/warden.oidc.HttpStatus";
constexpr char kAddressNotAllowedPayload[] = "type.googleapis.com/warden.oidc.AddressNotAllowed";

}  // namespace

absl::Status HttpStatusError(const std::string& url, int status_code) {
  const bool transient = status_code >= 500 || status_code == 408 || status_code == 429;
  absl::Status status(
      transient ? absl::StatusCode::kUnavailable : absl::StatusCode::kFailedPrecondition,
      absl::StrCat("GET ", url, " answered HTTP ", status_code));
  status.SetPayload(kHttpStatusPayload, absl::Cord(absl::StrCat(status_code)));
  return status;
}

std::optional<int> HttpStatusOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kHttpStatusPayload);  // absl::optional on Debian.
  if (!payload.has_value()) return std::nullopt;
  const std::string text(*payload);
  int code = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), code);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return code;
}

absl::Status AddressNotAllowedError(const std::string& url, const std::string& detail) {
  absl::Status status =
      absl::FailedPreconditionError(absl::StrCat("GET ", url, ": refused to connect: ", detail));
  status.SetPayload(kAddressNotAllowedPayload, absl::Cord());
  return status;
}

bool IsAddressNotAllowed(const absl::Status& status) {
  return status.GetPayload(kAddressNotAllowedPayload).has_value();
}

}  // namespace warden::oidc
