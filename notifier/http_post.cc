#include "notifier/http_post.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace warden::notifier {
namespace {

// How often a transfer in progress looks at `cancelled`.
constexpr int kPollMillis = 100;

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// The reply's body is not used: read and dropped.
size_t Discard(char* /*data*/, size_t size, size_t count, void* /*user*/) { return size * count; }

absl::Status TransportError(CURLcode code) {
  // curl_easy_strerror names the failure, never the URL.
  const std::string what = absl::StrCat("webhook POST failed: ", curl_easy_strerror(code));
  if (code == CURLE_OPERATION_TIMEDOUT) return absl::DeadlineExceededError(what);
  return absl::UnavailableError(what);
}

}  // namespace

absl::StatusOr<int> PostJson(const std::string& url, const std::string& body,
                             absl::Duration timeout, const std::atomic<bool>& cancelled) {
  static std::once_flag curl_initialized;
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
  std::unique_ptr<curl_slist, ListDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"));
  if (easy == nullptr || multi == nullptr || headers == nullptr) {
    return absl::ResourceExhaustedError("webhook POST failed: cannot allocate a curl handle");
  }
  const long timeout_ms = static_cast<long>(absl::ToInt64Milliseconds(timeout));
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(e, CURLOPT_USERAGENT, "warden-notifier");
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Discard);

  curl_multi_add_handle(multi.get(), e);
  CURLcode result = CURLE_OK;
  int running = 1;
  while (running > 0) {
    if (cancelled.load()) {
      curl_multi_remove_handle(multi.get(), e);
      return absl::CancelledError("webhook POST cancelled: the notifier is stopping");
    }
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) {
      result = CURLE_FAILED_INIT;
      break;
    }
    if (running > 0) curl_multi_poll(multi.get(), nullptr, 0, kPollMillis, nullptr);
  }
  int pending = 0;
  while (CURLMsg* message = curl_multi_info_read(multi.get(), &pending)) {
    if (message->msg == CURLMSG_DONE && message->easy_handle == e) result = message->data.result;
  }
  curl_multi_remove_handle(multi.get(), e);
  if (result != CURLE_OK) return TransportError(result);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  return static_cast<int>(status);
}

}  // namespace warden::notifier
