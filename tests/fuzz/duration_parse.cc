// Fuzzes every place Warden reads a Go-style duration (absl::ParseDuration) from outside
// text, with the bounds each applies: the M2M token lifetime of an API request, the server's
// flags and environment (server/config), and the notifier's environment (notifier/), then
// what the notifier computes from the durations it accepted.
//
// Input: one byte choosing the reader, then ';'-separated duration texts:
//   0: an M2M token_expiration_duration ("5m");
//   1: the server's tls-reload-interval;token-max-lifetime;token-leeway;reconcile-interval;
//      m2m-key-refresh-cooldown;shutdown-grace (an empty field leaves the setting unset);
//   2: the notifier's interval;backoff;window;slice;webhook-timeout.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/env.h"
#include "notifier/expiry_message.h"
#include "notifier/notifier_config.h"
#include "server/config/server_config.h"
#include "server/m2m/m2m_validation.h"
#include "tests/fuzz/fuzz_check.h"

namespace warden::fuzz {
namespace {

std::vector<std::string> SplitFields(std::string_view text) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t semi; (semi = text.find(';', start)) != std::string_view::npos; start = semi + 1) {
    fields.emplace_back(text.substr(start, semi - start));
  }
  fields.emplace_back(text.substr(start));
  return fields;
}

// Whatever absl accepts as finite prints back to itself: Warden echoes durations it parsed
// (FormatDuration) in API answers that clients parse again.
void CheckRoundTrip(const std::string& text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d == absl::InfiniteDuration() ||
      d == -absl::InfiniteDuration()) {
    return;
  }
  absl::Duration again;
  FUZZ_CHECK(absl::ParseDuration(absl::FormatDuration(d), &again) && again == d);
}

void CheckM2mLifetime(const std::string& text) {
  const absl::StatusOr<absl::Duration> lifetime = ParseM2mTokenLifetime(text);
  if (!lifetime.ok()) {
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(lifetime.status()), lifetime.status());
    return;
  }
  FUZZ_CHECK(*lifetime >= kMinM2mTokenLifetime && *lifetime <= kMaxM2mTokenLifetime);
  // The lifetime is stored and answered as FormatDuration text (api/m2m_convert.cc); that
  // text must be accepted again, as the same value, when a client sends the config back.
  const absl::StatusOr<absl::Duration> again =
      ParseM2mTokenLifetime(absl::FormatDuration(*lifetime));
  FUZZ_CHECK_STATUS(again.ok(), again.status());
  FUZZ_CHECK(*again == *lifetime);
}

struct ServerDuration {
  const char* flag;
  const char* env;
  absl::Duration ServerConfig::*field;
  absl::Duration min;
};

const ServerDuration kServerDurations[] = {
    {"tls-reload-interval", "WARDEN_TLS_RELOAD_INTERVAL", &ServerConfig::tls_reload_interval,
     absl::Seconds(1)},
    {"token-max-lifetime", "WARDEN_TOKEN_MAX_LIFETIME", &ServerConfig::token_max_lifetime,
     absl::Minutes(1)},
    {"token-leeway", "WARDEN_TOKEN_LEEWAY", &ServerConfig::token_leeway, absl::ZeroDuration()},
    {"reconcile-interval", "WARDEN_RECONCILE_INTERVAL", &ServerConfig::reconcile_interval,
     absl::Milliseconds(100)},
    {"m2m-key-refresh-cooldown", "WARDEN_M2M_KEY_REFRESH_COOLDOWN",
     &ServerConfig::m2m_key_refresh_cooldown, absl::Seconds(1)},
    {"shutdown-grace", "WARDEN_SHUTDOWN_GRACE", &ServerConfig::shutdown_grace,
     absl::ZeroDuration()},
};

void CheckServerConfig(const std::vector<std::string>& fields) {
  std::map<std::string, std::string> env = {{"WARDEN_DATABASE_URL", "postgres:///warden"},
                                            {"WARDEN_DATA_DIR", "/var/lib/warden"}};
  std::vector<std::string> args = {"--database-url=postgres:///warden",
                                   "--data-dir=/var/lib/warden"};
  std::map<const ServerDuration*, std::string> given;
  for (size_t i = 0; i < fields.size() && i < std::size(kServerDurations); ++i) {
    if (fields[i].empty()) continue;
    const ServerDuration& setting = kServerDurations[i];
    env[setting.env] = fields[i];
    args.push_back(absl::StrCat("--", setting.flag, "=", fields[i]));
    given[&setting] = fields[i];
  }
  const EnvLookup lookup = [&env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  bool help = false;
  const absl::StatusOr<ServerConfig> from_env = ParseServerConfig({}, lookup, &help);
  const absl::StatusOr<ServerConfig> from_flags = ParseServerConfig(
      args, [](const std::string&) { return std::nullopt; }, &help);
  // A flag and its variable are one setting.
  FUZZ_CHECK(from_env.ok() == from_flags.ok());
  if (!from_env.ok()) {
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(from_env.status()), from_env.status());
    FUZZ_CHECK(from_env.status() == from_flags.status());
    return;
  }
  for (const ServerDuration& setting : kServerDurations) {
    const absl::Duration value = (*from_env).*setting.field;
    FUZZ_CHECK(value == (*from_flags).*setting.field);
    FUZZ_CHECK(value >= setting.min);
    if (const auto it = given.find(&setting); it != given.end()) {
      absl::Duration parsed;
      FUZZ_CHECK(absl::ParseDuration(it->second, &parsed) && parsed == value);
    }
  }
  FUZZ_CHECK(from_env->token_leeway <= absl::Minutes(10));
}

void CheckNotifierConfig(const std::vector<std::string>& fields) {
  static constexpr const char* kVariables[] = {
      "ROX_TOKEN_EXPIRATION_NOTIFIER_INTERVAL", "ROX_TOKEN_EXPIRATION_NOTIFIER_BACKOFF_INTERVAL",
      "ROX_TOKEN_EXPIRATION_DETECTION_WINDOW", "ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION",
      "WARDEN_NOTIFIER_WEBHOOK_TIMEOUT"};
  std::map<std::string, std::string> env;
  for (size_t i = 0; i < fields.size() && i < std::size(kVariables); ++i) {
    if (!fields[i].empty()) env[kVariables[i]] = fields[i];
  }
  const absl::StatusOr<notifier::NotifierConfig> config =
      notifier::ParseNotifierConfig([&env](const std::string& name) -> std::optional<std::string> {
        const auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
      });
  if (!config.ok()) {
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(config.status()), config.status());
    return;
  }
  const absl::Duration inf = absl::InfiniteDuration();
  FUZZ_CHECK(config->interval >= absl::Seconds(1) && config->interval != inf);
  FUZZ_CHECK(config->backoff >= absl::ZeroDuration() && config->backoff != inf);
  FUZZ_CHECK(config->window > absl::ZeroDuration() && config->window != inf);
  FUZZ_CHECK(config->slice > absl::ZeroDuration() && config->slice != inf);
  FUZZ_CHECK(config->webhook_timeout > absl::ZeroDuration() && config->webhook_timeout != inf);

  // What a run then says about a token expiring at the far edge of the window, and just
  // inside it: a whole number of slices, at least 1, rounded up.
  for (const absl::Duration remaining :
       {config->window, config->window / 2, absl::Nanoseconds(1)}) {
    const int64_t slices = notifier::SlicesLeft(remaining, config->slice);
    FUZZ_CHECK(slices >= 1);
    if (remaining <= config->slice) FUZZ_CHECK(slices == 1);
    const std::string message =
        notifier::ExpiryMessage("ci-pipeline", "0f8fad5b-d9cb-469f-a165-70867728950e", remaining,
                                config->slice, config->slice_name);
    FUZZ_CHECK(absl::StrContains(message, notifier::CountSlices(slices, config->slice_name)));
  }
}

}  // namespace
}  // namespace warden::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace warden::fuzz;
  if (size < 1 || size > 512) return 0;
  const std::string_view text = AsStringView(data + 1, size - 1);
  const std::vector<std::string> fields = SplitFields(text);
  for (const std::string& field : fields) CheckRoundTrip(field);
  switch (data[0] % 3) {
    case 0:
      CheckM2mLifetime(std::string(text));
      break;
    case 1:
      CheckServerConfig(fields);
      break;
    case 2:
      CheckNotifierConfig(fields);
      break;
  }
  return 0;
}
