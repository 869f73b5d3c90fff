#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/env.h"

namespace warden::notifier {

// What ExpirationNotifier and its sinks are configured with. Built once, at start-up, by
// ParseNotifierConfig; the defaults are SPEC §5's.
struct NotifierConfig {
  // ROX_TOKEN_EXPIRATION_NOTIFIER_INTERVAL: how often the loop wakes and tries to claim a run.
  absl::Duration interval = absl::Hours(1);
  // ROX_TOKEN_EXPIRATION_NOTIFIER_BACKOFF_INTERVAL: the least time between two notifying runs
  // in the whole fleet (the last one is kept in PostgreSQL).
  absl::Duration backoff = absl::Hours(24);
  // ROX_TOKEN_EXPIRATION_DETECTION_WINDOW: how far ahead of now a token's expiry is reported.
  absl::Duration window = absl::Hours(168);
  // ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION / _NAME: the unit the remaining time is rounded
  // up to, and its singular name ("day" -> "1 day", "2 days").
  absl::Duration slice = absl::Hours(24);
  std::string slice_name = "day";
  // WARDEN_NOTIFIER_THREADS: the sinks' thread pool, apart from gRPC's and storage's.
  int threads = 2;
  // WARDEN_NOTIFIER_JSON_LOG: where the JSON records go: "stderr", "stdout", "off" or a
  // file path (appended to).
  std::string json_log = "stderr";
  // WARDEN_NOTIFIER_WEBHOOK_URL: http(s) URL receiving one JSON POST per notifying run;
  // empty: no webhook. A secret (Slack-style URLs embed one): never logged.
  std::string webhook_url;
  // WARDEN_NOTIFIER_WEBHOOK_TIMEOUT: the limit of each POST attempt.
  absl::Duration webhook_timeout = absl::Seconds(10);
  // Tokens per ListExpiring page: bounds the memory of a run. Not an environment setting.
  int page_size = 1000;

  // The background token jobs (issue 18), which wake every `interval` and run once per
  // `backoff` in the fleet, like the notifier, each under a job name of its own.
  //
  // WARDEN_TOKEN_INACTIVITY_TIMEOUT: live tokens neither used nor issued within it are
  // revoked, after a warning through the sinks one detection window ahead. Zero (the
  // default; unset, empty or "0"): off. When set, at least 24h.
  absl::Duration inactivity_timeout = absl::ZeroDuration();
  // WARDEN_TOKEN_RETENTION: rows of tokens whose expiry (the one the token string carries)
  // is longer ago than this are deleted. At least 1h; never off.
  absl::Duration retention = absl::Hours(720);
  // Tokens examined per inactivity page, which is also the most revoked in one
  // transaction; rows deleted per retention statement. Not environment settings.
  int inactivity_batch = 500;
  int retention_batch = 1000;
};

// Reads the variables named above through `env`; unset ones keep their defaults.
// Durations are Go-style ("90m", "168h", "1h30m"). Returns INVALID_ARGUMENT naming the
// variable and what it expects for: a malformed duration; slice, window or webhook timeout
// <= 0; interval < 1s; backoff < 0; threads outside 1..64; a slice name that is empty,
// longer than 32 bytes or not printable ASCII; a webhook URL that is not http(s)://
// (its value is never echoed: it may hold a secret); an inactivity timeout that is neither
// 0 nor at least 24h; a retention under 1h (0 included: see the message).
absl::StatusOr<NotifierConfig> ParseNotifierConfig(const EnvLookup& env);

}  // namespace warden::notifier
