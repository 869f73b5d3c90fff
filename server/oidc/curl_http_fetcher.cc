#include "server/oidc/curl_http_fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace warden::oidc {
namespace {

struct EasyFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// Accumulates the body, refusing to grow past `max_bytes`.
struct Sink {
  std::string body;
  size_t max_bytes = 0;
  bool overflowed = false;
};

size_t OnData(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body.size() + n > sink->max_bytes) {
    sink->overflowed = true;
    return 0;  // Anything but n aborts the transfer with CURLE_WRITE_ERROR.
  }
  sink->body.append(data, n);
  return n;
}

long Millis(absl::Duration d) {
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

absl::Status TooLarge(const std::string& url, size_t max_bytes) {
  return absl::FailedPreconditionError(
      absl::StrCat("GET ", url, ": response is larger than ", max_bytes, " bytes"));
}

absl::Status TransferError(const std::string& url, CURLcode code, const char* detail,
                           size_t max_bytes) {
  switch (code) {
    case CURLE_FILESIZE_EXCEEDED:
      return TooLarge(url, max_bytes);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_URL_MALFORMAT:
      return absl::FailedPreconditionError(
          absl::StrCat("GET ", url, ": ", *detail != '\0' ? detail : curl_easy_strerror(code)));
    default:
      return absl::UnavailableError(
          absl::StrCat("GET ", url, ": ", *detail != '\0' ? detail : curl_easy_strerror(code)));
  }
}

}  // namespace

CurlHttpFetcher::CurlHttpFetcher(Options options) : options_(options) {
  static std::once_flag once;
  std::call_once(once, [] { CHECK_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK); });
}

absl::StatusOr<HttpResponse> CurlHttpFetcher::Get(const std::string& url,
                                                  const FetchOptions& options) {
  const bool https = absl::StartsWithIgnoreCase(url, "https://");
  if (!https && !(options_.allow_plain_http && absl::StartsWithIgnoreCase(url, "http://"))) {
    return absl::FailedPreconditionError(
        absl::StrCat("GET ", url, ": only https URLs are fetched"));
  }
  std::unique_ptr<CURL, EasyFree> curl(curl_easy_init());
  if (curl == nullptr) return absl::InternalError("libcurl could not create a handle");
  CURL* c = curl.get();
  const char* protocols = options_.allow_plain_http ? "http,https" : "https";
  Sink sink;
  sink.max_bytes = options.max_bytes;
  char error[CURL_ERROR_SIZE] = {};
  std::unique_ptr<curl_slist, SlistFree> headers(
      curl_slist_append(nullptr, "Accept: application/json"));

  bool ok =
      curl_easy_setopt(c, CURLOPT_URL, url.c_str()) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protocols) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, options_.max_redirects > 0 ? 1L : 0L) ==
          CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_MAXREDIRS, static_cast<long>(options_.max_redirects)) ==
          CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, Millis(options.connect_timeout)) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, Millis(options.timeout)) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes)) ==
          CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnData) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_USERAGENT, "warden-oidc") == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
  if (ok && !options.ca_file.empty()) {
    // Only the given CAs: a cluster CA must not be mixed with the system's.
    ok = curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str()) == CURLE_OK &&
         curl_easy_setopt(c, CURLOPT_CAPATH, nullptr) == CURLE_OK;
  }
  if (ok && options.bearer_token.has_value()) {
    // As libcurl's own auth (not a raw header), so it is never sent to a redirect's other host.
    ok = curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BEARER) == CURLE_OK &&
         curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, options.bearer_token->c_str()) == CURLE_OK;
  }
  if (!ok) return absl::InternalError("libcurl rejected an option");

  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_WRITE_ERROR && sink.overflowed) return TooLarge(url, options.max_bytes);
  if (code != CURLE_OK) return TransferError(url, code, error, options.max_bytes);

  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return HttpStatusError(url, static_cast<int>(status));
  HttpResponse response;
  response.status_code = static_cast<int>(status);
  response.body = std::move(sink.body);
  const char* content_type = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
      content_type != nullptr) {
    response.content_type = content_type;
  }
  return response;
}

}  // namespace warden::oidc
