#include "notifier/notifier_config.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace warden::notifier {
namespace {

absl::Status Invalid(const char* variable, const std::string& value, const char* expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid value \"", value, "\" for ", variable, ": expected ", expected));
}

// Parses `variable` into `out` if set: a Go-style duration of at least `min` (strictly more
// than zero when `min` is zero and `positive`).
absl::Status ReadDuration(const EnvLookup& env, const char* variable, absl::Duration min,
                          bool positive, const char* expected, absl::Duration& out) {
  const std::optional<std::string> value = env(variable);
  if (!value.has_value()) return absl::OkStatus();
  absl::Duration d;
  if (!absl::ParseDuration(*value, &d) || d == absl::InfiniteDuration() || d < min ||
      (positive && d <= absl::ZeroDuration())) {
    return Invalid(variable, *value, expected);
  }
  out = d;
  return absl::OkStatus();
}

bool IsPrintableAscii(const std::string& s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<NotifierConfig> ParseNotifierConfig(const EnvLookup& env) {
  NotifierConfig config;
  absl::Status s;
  s = ReadDuration(env, "ROX_TOKEN_EXPIRATION_NOTIFIER_INTERVAL", absl::Seconds(1), true,
                   "a Go-style duration of at least 1s, such as 1h", config.interval);
  if (!s.ok()) return s;
  s = ReadDuration(env, "ROX_TOKEN_EXPIRATION_NOTIFIER_BACKOFF_INTERVAL", absl::ZeroDuration(),
                   false, "a Go-style duration of 0s or more, such as 24h", config.backoff);
  if (!s.ok()) return s;
  s = ReadDuration(env, "ROX_TOKEN_EXPIRATION_DETECTION_WINDOW", absl::ZeroDuration(), true,
                   "a Go-style duration greater than 0, such as 168h", config.window);
  if (!s.ok()) return s;
  s = ReadDuration(env, "ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION", absl::ZeroDuration(), true,
                   "a Go-style duration greater than 0, such as 24h", config.slice);
  if (!s.ok()) return s;
  s = ReadDuration(env, "WARDEN_NOTIFIER_WEBHOOK_TIMEOUT", absl::ZeroDuration(), true,
                   "a Go-style duration greater than 0, such as 10s", config.webhook_timeout);
  if (!s.ok()) return s;

  if (auto v = env("WARDEN_TOKEN_INACTIVITY_TIMEOUT"); v.has_value() && !v->empty()) {
    absl::Duration d;
    if (!absl::ParseDuration(*v, &d) || d == absl::InfiniteDuration() ||
        (d != absl::ZeroDuration() && d < absl::Hours(24))) {
      return Invalid("WARDEN_TOKEN_INACTIVITY_TIMEOUT", *v,
                     "0 (off) or a Go-style duration of at least 24h, such as 2160h");
    }
    config.inactivity_timeout = d;
  }
  if (auto v = env("WARDEN_TOKEN_RETENTION"); v.has_value()) {
    absl::Duration d;
    if (!absl::ParseDuration(*v, &d) || d == absl::InfiniteDuration() || d < absl::Hours(1)) {
      return Invalid("WARDEN_TOKEN_RETENTION", *v,
                     "a Go-style duration of at least 1h, such as 720h. It cannot be 0: "
                     "deleting a row as soon as its token expires would let a revoked token "
                     "work again after a restart while it is within the validation leeway "
                     "(WARDEN_TOKEN_LEEWAY, up to 10m), and 0 does not mean keep forever: "
                     "to keep rows longer, set a long retention such as 87600h");
    }
    config.retention = d;
  }
  if (auto v = env("ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION_NAME"); v.has_value()) {
    if (v->empty() || v->size() > 32 || !IsPrintableAscii(*v)) {
      return absl::InvalidArgumentError(
          "invalid value for ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION_NAME: expected a name of "
          "1 to 32 printable ASCII characters, such as day");
    }
    config.slice_name = *v;
  }
  if (auto v = env("WARDEN_NOTIFIER_THREADS"); v.has_value()) {
    if (!absl::SimpleAtoi(*v, &config.threads) || config.threads < 1 || config.threads > 64) {
      return Invalid("WARDEN_NOTIFIER_THREADS", *v, "a number of threads from 1 to 64");
    }
  }
  if (auto v = env("WARDEN_NOTIFIER_JSON_LOG"); v.has_value()) {
    if (v->empty()) {
      return Invalid("WARDEN_NOTIFIER_JSON_LOG", *v, "stderr, stdout, off or a file path");
    }
    config.json_log = *v;
  }
  if (auto v = env("WARDEN_NOTIFIER_WEBHOOK_URL"); v.has_value() && !v->empty()) {
    const bool http =
        absl::StartsWithIgnoreCase(*v, "http://") || absl::StartsWithIgnoreCase(*v, "https://");
    if (!http || !IsPrintableAscii(*v) || v->find(' ') != std::string::npos) {
      return absl::InvalidArgumentError(
          "invalid value for WARDEN_NOTIFIER_WEBHOOK_URL: expected an http:// or https:// URL "
          "(the value is not shown: it may hold a secret)");
    }
    config.webhook_url = *v;
  }
  return config;
}

}  // namespace warden::notifier
