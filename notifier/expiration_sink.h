#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warden::notifier {

// What a notice warns of: a token about to expire (the expiration notifier), or a token
// about to be revoked because nobody uses it (the inactivity revoker,
// WARDEN_TOKEN_INACTIVITY_TIMEOUT).
enum class NoticeKind { kExpiring, kInactive };

// "expiring", "inactive": the `kind` of JSON records.
const char* NoticeKindName(NoticeKind kind);

// One token a notifying run found. kExpiring: not revoked, not expired, expiring within the
// window. kInactive: not revoked, not expired, and idle for long enough that it will be
// revoked within the warning window unless it is used.
struct ExpiringTokenNotice {
  std::string token_id;
  std::string token_name;  // as stored: untrusted user input, any bytes
  absl::Time expires_at;
  // Whole slices, rounded up (>= 1): until expiry (kExpiring), or until the token may be
  // revoked for inactivity (kInactive).
  int64_t slices_left = 0;
  // ExpiryMessage() or InactivityMessage(): the name already escaped for a log line.
  std::string message;
  NoticeKind kind = NoticeKind::kExpiring;
  // kInactive only: the last recorded use (unset: never used), whole days since the token
  // was last used or issued, and when it becomes inactive (may be revoked from then on).
  std::optional<absl::Time> last_used_at;
  int64_t idle_days = 0;
  absl::Time revoke_after;
};

// A page of notices, in expiry order (kInactive: in issue order). Pages of one run never
// overlap.
struct ExpiringTokenBatch {
  absl::Time run_at;       // the `now` of the run, from which the remaining time counts
  std::string slice_name;  // "day": what slices_left counts
  std::vector<ExpiringTokenNotice> tokens;
};

// How a notifying run ended, for the sinks that report per run.
struct RunSummary {
  absl::Time run_at;
  absl::Duration window;
  int64_t tokens = 0;     // notices emitted in this run
  bool complete = false;  // false: stopped or failed mid-scan (the claim is given back)
  NoticeKind kind = NoticeKind::kExpiring;  // every notice of a run is of one kind
};

// Where a notifying run's notices go: the log, the JSON log, a webhook.
//
// Calls for one run: BeginRun, then Emit once per page, then EndRun. The notices of a run are
// all of one kind; the expiration notifier and the inactivity revoker each make runs of
// their own, never at the same time (NoticeSinks). BeginRun happens before
// every Emit of its run, and every Emit of a run returns before EndRun is called. Emit may be
// called concurrently, from the notifier's pool threads, with different batches; BeginRun
// and EndRun come from the thread running the run. Runs never overlap.
// Shutdown may come at any time from any thread; afterwards a sink should return promptly
// from every call (dropping work). Implementations report their own failures (a log line):
// a failing sink never stops the run or the other sinks.
class ExpirationSink {
 public:
  virtual ~ExpirationSink() = default;

  virtual void BeginRun(absl::Time run_at) {}
  virtual void Emit(const ExpiringTokenBatch& batch) = 0;
  virtual void EndRun(const RunSummary& summary) {}
  // Aborts in-flight work (a webhook POST, a retry's wait) so that the server stops fast.
  virtual void Shutdown() {}
};

}  // namespace warden::notifier
