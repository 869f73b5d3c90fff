#include "server/oidc/curl_http_fetcher.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "glog/logging.h"
#include "server/oidc/address_policy.h"
#include "server/oidc/url_origin.h"

namespace warden::oidc {
namespace {

struct EasyFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// What one request's callbacks share with Get. Reset before each request of a redirect chain.
struct Transfer {
  // The body, refused past `max_bytes`.
  std::string body;
  size_t max_bytes = 0;
  bool overflowed = false;
  // Addresses the socket callback refused, as "10.0.0.1 (private)", for the log.
  bool allow_private = false;
  std::vector<std::string> refused;
};

size_t OnData(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (transfer->body.size() + n > transfer->max_bytes) {
    transfer->overflowed = true;
    return 0;  // Anything but n aborts the transfer with CURLE_WRITE_ERROR.
  }
  transfer->body.append(data, n);
  return n;
}

// Called by libcurl instead of socket(2), with the address it is about to connect to: the one
// place where the address checked is surely the address used. Refusing makes libcurl try the
// host's next address, if any, and otherwise fail with CURLE_COULDNT_CONNECT.
curl_socket_t OpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  const AddressKind kind = ClassifySocketAddress(&address->addr, address->addrlen);
  if (purpose != CURLSOCKTYPE_IPCXN || !AddressAllowed(kind, transfer->allow_private)) {
    transfer->refused.push_back(absl::StrCat(SocketAddressText(&address->addr, address->addrlen),
                                             " (", std::string(AddressKindName(kind)), ")"));
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

long Millis(absl::Duration d) {
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

absl::Status TooLarge(const std::string& url, size_t max_bytes) {
  return absl::FailedPreconditionError(
      absl::StrCat("GET ", url, ": response is larger than ", max_bytes, " bytes"));
}

absl::Status TransferError(const std::string& url, CURLcode code, const char* detail,
                           const Transfer& transfer) {
  const std::string text = *detail != '\0' ? detail : curl_easy_strerror(code);
  if (!transfer.refused.empty()) {
    const char* hint = transfer.allow_private
                           ? ""
                           : " (WARDEN_M2M_ALLOW_PRIVATE_ISSUERS=true allows loopback, private, "
                             "link-local and shared addresses)";
    return AddressNotAllowedError(
        url, absl::StrCat(absl::StrJoin(transfer.refused, ", "), hint, "; ", text));
  }
  switch (code) {
    case CURLE_FILESIZE_EXCEEDED:
      return TooLarge(url, transfer.max_bytes);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return absl::FailedPreconditionError(absl::StrCat("GET ", url, ": ", text));
    default:
      return absl::UnavailableError(absl::StrCat("GET ", url, ": ", text));
  }
}

// One request of `url` on `curl`, within what is left of the time until `deadline`. Returns
// the HTTP status code; the body is in `transfer`.
absl::StatusOr<long> Perform(CURL* curl, const std::string& url, absl::Time deadline,
                             Transfer& transfer) {
  transfer.body.clear();
  transfer.overflowed = false;
  transfer.refused.clear();
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) {
    return absl::UnavailableError(absl::StrCat("GET ", url, ": timed out"));
  }
  char error[CURL_ERROR_SIZE] = {};
  if (curl_easy_setopt(curl, CURLOPT_URL, url.c_str()) != CURLE_OK ||
      curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, Millis(left)) != CURLE_OK ||
      curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error) != CURLE_OK) {
    return absl::InternalError("libcurl rejected an option");
  }
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);  // `error` goes out of scope.
  if (code == CURLE_WRITE_ERROR && transfer.overflowed) return TooLarge(url, transfer.max_bytes);
  if (code != CURLE_OK) return TransferError(url, code, error, transfer);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
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
  const std::optional<std::string> origin = UrlOrigin(url);
  if (!origin.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat("GET ", url, ": not a valid URL"));
  }
  std::unique_ptr<CURL, EasyFree> curl(curl_easy_init());
  if (curl == nullptr) return absl::InternalError("libcurl could not create a handle");
  CURL* c = curl.get();
  Transfer transfer;
  transfer.max_bytes = options.max_bytes;
  transfer.allow_private = options_.allow_private_addresses;
  std::unique_ptr<curl_slist, SlistFree> headers(
      curl_slist_append(nullptr, "Accept: application/json"));

  bool ok =
      curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
                       options_.allow_plain_http ? "http,https" : "https") == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &OpenSocket) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &transfer) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, Millis(options.connect_timeout)) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes)) ==
          CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnData) == CURLE_OK &&
      curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer) == CURLE_OK &&
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
    // Redirects stay on the origin (below), so the token never reaches another host.
    ok = curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BEARER) == CURLE_OK &&
         curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, options.bearer_token->c_str()) == CURLE_OK;
  }
  if (!ok) return absl::InternalError("libcurl rejected an option");

  const absl::Time deadline = absl::Now() + options.timeout;
  std::string current = url;
  long status = 0;
  for (int redirects = 0;; ++redirects) {
    ASSIGN_OR_RETURN(status, Perform(c, current, deadline, transfer));
    const char* location = nullptr;
    if (status < 300 || status > 399 ||
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) != CURLE_OK || location == nullptr) {
      break;  // A 3xx without a Location is one more answer that is not 2xx.
    }
    if (redirects == options_.max_redirects) {
      return absl::FailedPreconditionError(
          absl::StrCat("GET ", url, ": more than ", options_.max_redirects, " redirects"));
    }
    if (UrlOrigin(location) != origin) {
      return absl::FailedPreconditionError(absl::StrCat(
          "GET ", current, ": refused to follow a redirect to another origin: ", location));
    }
    current = location;
  }
  if (status < 200 || status > 299) return HttpStatusError(current, static_cast<int>(status));
  HttpResponse response;
  response.status_code = static_cast<int>(status);
  response.body = std::move(transfer.body);
  const char* content_type = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
      content_type != nullptr) {
    response.content_type = content_type;
  }
  return response;
}

}  // namespace warden::oidc
