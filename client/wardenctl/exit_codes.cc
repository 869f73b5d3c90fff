#include "client/wardenctl/exit_codes.h"

#include "absl/strings/str_cat.h"

namespace warden::cli {
namespace {

constexpr char kOriginPayload[] = "type.warden.dev/wardenctl.origin";

absl::Status WithOrigin(absl::Status status, const char* origin) {
  status.SetPayload(kOriginPayload, absl::Cord(origin));
  return status;
}

bool HasOrigin(const absl::Status& status, absl::string_view origin) {
  absl::optional<absl::Cord> payload = status.GetPayload(kOriginPayload);
  return payload.has_value() && *payload == origin;
}

std::string OneLine(absl::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return line;
}

}  // namespace

absl::Status UsageError(const std::string& message, const std::string& command_line) {
  return WithOrigin(
      absl::InvalidArgumentError(absl::StrCat(message, " (see `", command_line, " --help`)")),
      "usage");
}

absl::Status LocalError(const absl::Status& status) { return WithOrigin(status, "local"); }

bool IsUsageError(const absl::Status& status) { return HasOrigin(status, "usage"); }
bool IsLocalError(const absl::Status& status) { return HasOrigin(status, "local"); }

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  if (IsUsageError(status) || IsLocalError(status)) return kExitUsage;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnreachable;
    default:
      return kExitRejected;
  }
}

std::string ErrorLine(const absl::Status& status, const ErrorContext& context) {
  const std::string message = OneLine(status.message());
  // A usage error's message starts with the command line ("wardenctl token get: ...").
  if (IsUsageError(status)) return message;
  if (IsLocalError(status)) return absl::StrCat("wardenctl: ", message);
  const std::string code = absl::StatusCodeToString(status.code());
  std::string hint;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return absl::StrCat("wardenctl: ", code, ": cannot reach Warden at ", context.endpoint, ": ",
                          message, "; is the server running? (--endpoint / WARDEN_ENDPOINT)");
    case absl::StatusCode::kUnauthenticated:
      if (!context.unauthenticated_hint.empty()) {
        hint = context.unauthenticated_hint;
      } else {
        hint = context.logging_in ? "check the admin password (--password-file)"
                                  : "run `wardenctl login` or pass --token";
      }
      break;
    case absl::StatusCode::kPermissionDenied:
      hint = context.permission_denied_hint.value_or(
          "these credentials lack that permission; use a token whose roles grant it");
      break;
    case absl::StatusCode::kNotFound:
      hint = context.not_found_hint.empty() ? "check the id (`wardenctl token list --all`)"
                                            : context.not_found_hint;
      break;
    default:
      break;
  }
  if (hint.empty()) return absl::StrCat("wardenctl: ", code, ": ", message);
  return absl::StrCat("wardenctl: ", code, ": ", message, " — ", hint);
}

}  // namespace warden::cli
