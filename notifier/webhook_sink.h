#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "notifier/expiration_sink.h"

namespace warden::notifier {

struct WebhookOptions {
  std::string url;                                      // http(s); a secret: never logged
  absl::Duration timeout = absl::Seconds(10);           // per attempt
  int attempts = 3;                                     // REQUIRES: >= 1
  absl::Duration first_retry_delay = absl::Seconds(1);  // doubled after each failed attempt
  size_t max_listed = 100;  // tokens listed in one POST; the rest are only counted
};

// One JSON POST per notifying run that found tokens, for Slack-style incoming webhooks:
//   {"text": "<summary line>\n<one message per listed token>[\n…and K more]",
//    "event": "token_expiration_summary", "run_at": "...", "window": "168h",
//    "total": T, "listed": L, "truncated": T > L,
//    "tokens": [<the JSON log's record of each listed token, earliest expiry first>]}
// In "text", &, < and > are escaped as Slack asks (&amp; &lt; &gt;), so a token name cannot
// mention a channel or forge a link; names are also log-escaped. Only the first
// `max_listed` tokens by expiry are kept, so memory and the body stay bounded.
//
// A run of inactivity notices (RunSummary::kind kInactive) says "…will be revoked for
// inactivity within <window> unless used." and has "event": "token_inactivity_summary".
//
// Nothing is sent for a run that was not complete (it is retried, and would repeat) or that
// found no token. A POST is retried on transport errors, timeouts, 408, 429 and 5xx, up to
// `attempts` in all, waiting first_retry_delay, then twice that; other statuses are final.
// Failures are logged as a WARNING without the URL. Shutdown() aborts a POST or a wait at
// once. Thread-safe, per the ExpirationSink contract.
class WebhookSink final : public ExpirationSink {
 public:
  explicit WebhookSink(WebhookOptions options);

  void BeginRun(absl::Time run_at) override;
  void Emit(const ExpiringTokenBatch& batch) override;
  // Blocks for the POST and its retries (at most attempts × timeout plus the delays).
  void EndRun(const RunSummary& summary) override;
  void Shutdown() override;

  // The body EndRun would POST now. For tests.
  std::string BodyForTesting(const RunSummary& summary) const;

 private:
  std::string Body(const RunSummary& summary) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Deliver(const std::string& body);

  const WebhookOptions options_;
  std::atomic<bool> cancelled_{false};
  absl::Notification shutdown_;  // wakes a retry's wait

  mutable absl::Mutex mu_;
  std::string slice_name_ ABSL_GUARDED_BY(mu_);
  std::vector<ExpiringTokenNotice> listed_ ABSL_GUARDED_BY(mu_);  // earliest first
  int64_t total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace warden::notifier
