#include "notifier/webhook_sink.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "net/http_client.h"
#include "notifier/expiry_message.h"
#include "notifier/notice_json.h"

namespace warden::notifier {
namespace {

// Slack's escaping for text: only these three characters are control characters.
std::string EscapeForSlack(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// POSTs `body` to `options.url` and returns the HTTP status, any status. Follows no redirect;
// only http and https. Errors never contain the URL (it may hold a secret): libcurl's short
// name of the failure only. CANCELLED once `cancelled` is true.
absl::StatusOr<int> PostJson(const WebhookOptions& options, const std::string& body,
                             const std::atomic<bool>& cancelled) {
  net::HttpRequest request;
  request.method = net::HttpRequest::Method::kPost;
  request.url = options.url;
  request.allow_http = true;
  request.body = body;
  request.headers = {"Content-Type: application/json"};
  request.user_agent = "warden-notifier";
  request.connect_timeout = options.timeout;
  request.timeout = options.timeout;
  request.cancelled = &cancelled;
  absl::StatusOr<net::HttpResponse> response = net::SendHttpRequest(request);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("webhook POST failed: ", response.status().message()));
  }
  return response->status_code;
}

bool Retryable(const absl::StatusOr<int>& result) {
  if (!result.ok()) return !absl::IsCancelled(result.status());
  const int status = *result;
  return status == 408 || status == 429 || status >= 500;
}

bool EarlierExpiry(const ExpiringTokenNotice& a, const ExpiringTokenNotice& b) {
  return std::tie(a.expires_at, a.token_id) < std::tie(b.expires_at, b.token_id);
}

}  // namespace

WebhookSink::WebhookSink(WebhookOptions options) : options_(std::move(options)) {
  CHECK_GE(options_.attempts, 1) << "webhook attempts must be at least 1";
}

void WebhookSink::BeginRun(absl::Time run_at) {
  absl::MutexLock lock(&mu_);
  listed_.clear();
  total_ = 0;
}

void WebhookSink::Emit(const ExpiringTokenBatch& batch) {
  absl::MutexLock lock(&mu_);
  slice_name_ = batch.slice_name;
  total_ += static_cast<int64_t>(batch.tokens.size());
  // Batches may arrive out of order (pool threads): keep the earliest max_listed overall.
  for (const ExpiringTokenNotice& notice : batch.tokens) {
    if (listed_.size() == options_.max_listed) {
      if (listed_.empty() || !EarlierExpiry(notice, listed_.back())) break;  // batch is sorted
      listed_.pop_back();
    }
    listed_.insert(std::upper_bound(listed_.begin(), listed_.end(), notice, EarlierExpiry), notice);
  }
}

void WebhookSink::EndRun(const RunSummary& summary) {
  std::string body;
  {
    absl::MutexLock lock(&mu_);
    if (!summary.complete || total_ == 0) return;
    body = Body(summary);
    listed_.clear();
    listed_.shrink_to_fit();
  }
  Deliver(body);
}

void WebhookSink::Shutdown() {
  cancelled_.store(true);
  if (!shutdown_.HasBeenNotified()) shutdown_.Notify();
}

std::string WebhookSink::BodyForTesting(const RunSummary& summary) const {
  absl::MutexLock lock(&mu_);
  return Body(summary);
}

std::string WebhookSink::Body(const RunSummary& summary) const {
  const bool inactive = summary.kind == NoticeKind::kInactive;
  std::string text =
      absl::StrCat("Warden: ", total_, total_ == 1 ? " API token" : " API tokens",
                   inactive ? " will be revoked for inactivity within " : " will expire within ",
                   absl::FormatDuration(summary.window), inactive ? " unless used." : ".");
  nlohmann::json tokens = nlohmann::json::array();
  for (const ExpiringTokenNotice& notice : listed_) {
    absl::StrAppend(&text, "\n", EscapeForSlack(notice.message));
    tokens.push_back(NoticeJson(notice, summary.run_at, slice_name_));
  }
  const int64_t more = total_ - static_cast<int64_t>(listed_.size());
  if (more > 0) absl::StrAppend(&text, "\n…and ", more, " more.");
  const nlohmann::json body{
      {"text", text},
      {"event", inactive ? "token_inactivity_summary" : "token_expiration_summary"},
      {"run_at", FormatRfc3339(summary.run_at)},
      {"window", absl::FormatDuration(summary.window)},
      {"total", total_},
      {"listed", listed_.size()},
      {"truncated", more > 0},
      {"tokens", std::move(tokens)},
  };
  return DumpOneLine(body);
}

void WebhookSink::Deliver(const std::string& body) {
  absl::Duration delay = options_.first_retry_delay;
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    const absl::StatusOr<int> result = PostJson(options_, body, cancelled_);
    if (result.ok() && *result >= 200 && *result < 300) return;
    const std::string what = result.ok() ? absl::StrCat("HTTP status ", *result)
                                         : std::string(result.status().message());
    if (absl::IsCancelled(result.status())) return;
    if (!Retryable(result) || attempt == options_.attempts) {
      LOG(WARNING) << "Token expiration webhook failed after " << attempt
                   << (attempt == 1 ? " attempt: " : " attempts: ") << what;
      return;
    }
    LOG(WARNING) << "Token expiration webhook attempt " << attempt << " failed (" << what
                 << "); retrying in " << absl::FormatDuration(delay);
    if (shutdown_.WaitForNotificationWithTimeout(delay)) return;
    delay *= 2;
  }
}

}  // namespace warden::notifier
