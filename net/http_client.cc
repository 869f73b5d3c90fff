#include "net/http_client.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace warden::net {
namespace {

// How often a transfer in progress looks at `cancelled`.
constexpr int kPollMillis = 100;

struct EasyFree {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiFree {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// What the callbacks of one request share with SendHttpRequest.
struct Transfer {
  explicit Transfer(const HttpRequest& request) : request(request) {}

  const HttpRequest& request;
  std::string body;
  bool overflowed = false;
};

size_t OnData(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const std::optional<size_t>& max_bytes = transfer->request.max_body_bytes;
  if (!max_bytes.has_value()) return n;  // Read and dropped.
  if (transfer->body.size() + n > *max_bytes) {
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
  const auto* transfer = static_cast<const Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN ||
      !transfer->request.allow_address(&address->addr, address->addrlen)) {
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// libcurl takes 0 as "no timeout".
long Millis(absl::Duration d) {
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

absl::Status InitializeCurlOnce() {
  static std::once_flag once;
  static CURLcode initialized = CURLE_OK;
  std::call_once(once, [] { initialized = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (initialized != CURLE_OK) return absl::InternalError("libcurl could not be initialized");
  return absl::OkStatus();
}

// Sets every option `request` asks for on `easy`; false if libcurl refused one.
bool SetOptions(CURL* easy, const HttpRequest& request, curl_slist* headers, Transfer& transfer,
                char* error_buffer) {
  bool ok = curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str()) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR,
                             request.allow_http ? "http,https" : "https") == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, Millis(request.connect_timeout)) ==
                CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, Millis(request.timeout)) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnData) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
  if (ok && request.method == HttpRequest::Method::kPost) {
    ok = curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data()) == CURLE_OK &&
         curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                          static_cast<curl_off_t>(request.body.size())) == CURLE_OK;
  }
  if (ok && headers != nullptr) {
    ok = curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers) == CURLE_OK;
  }
  if (ok && !request.user_agent.empty()) {
    ok = curl_easy_setopt(easy, CURLOPT_USERAGENT, request.user_agent.c_str()) == CURLE_OK;
  }
  if (ok && request.max_body_bytes.has_value()) {
    // Refuses at once a body whose Content-Length is over the limit; OnData holds it anyway.
    ok = curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                          static_cast<curl_off_t>(*request.max_body_bytes)) == CURLE_OK;
  }
  if (ok && request.allow_address) {
    ok = curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &OpenSocket) == CURLE_OK &&
         curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &transfer) == CURLE_OK;
  }
  if (ok && !request.ca_file.empty()) {
    // Only the given CAs: a cluster CA must not be mixed with the system's.
    ok = curl_easy_setopt(easy, CURLOPT_CAINFO, request.ca_file.c_str()) == CURLE_OK &&
         curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr) == CURLE_OK;
  }
  if (ok && request.bearer_token.has_value()) {
    ok = curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BEARER) == CURLE_OK &&
         curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, request.bearer_token->c_str()) == CURLE_OK;
  }
  return ok;
}

// Runs the transfer of `easy` to its end through a multi handle, which lets it look at
// `cancelled` every kPollMillis. libcurl's result; nullopt when cancelled.
std::optional<CURLcode> Run(CURL* easy, const std::atomic<bool>* cancelled) {
  std::unique_ptr<CURLM, MultiFree> multi(curl_multi_init());
  if (multi == nullptr) return CURLE_OUT_OF_MEMORY;
  if (curl_multi_add_handle(multi.get(), easy) != CURLM_OK) return CURLE_FAILED_INIT;
  CURLcode result = CURLE_OK;
  int running = 1;
  while (running > 0) {
    if (cancelled != nullptr && cancelled->load()) {
      curl_multi_remove_handle(multi.get(), easy);
      return std::nullopt;
    }
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) {
      result = CURLE_FAILED_INIT;
      break;
    }
    if (running > 0) curl_multi_poll(multi.get(), nullptr, 0, kPollMillis, nullptr);
  }
  int pending = 0;
  while (CURLMsg* message = curl_multi_info_read(multi.get(), &pending)) {
    if (message->msg == CURLMSG_DONE && message->easy_handle == easy) {
      result = message->data.result;
    }
  }
  curl_multi_remove_handle(multi.get(), easy);
  return result;
}

absl::Status TransferError(CURLcode code, const char* error_buffer, const HttpRequest& request,
                           const Transfer& transfer) {
  if (code == CURLE_FILESIZE_EXCEEDED || (code == CURLE_WRITE_ERROR && transfer.overflowed)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("response is larger than ", *request.max_body_bytes, " bytes"));
  }
  // curl_easy_strerror names the failure only; the buffer may name the host and addresses.
  const std::string text = request.detailed_errors && *error_buffer != '\0'
                               ? std::string(error_buffer)
                               : std::string(curl_easy_strerror(code));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(text);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return absl::InvalidArgumentError(text);
    default:
      return absl::UnavailableError(text);
  }
}

}  // namespace

absl::StatusOr<HttpResponse> SendHttpRequest(const HttpRequest& request) {
  if (absl::Status initialized = InitializeCurlOnce(); !initialized.ok()) return initialized;
  // Declared before the handle, which points at them until it is cleaned up.
  char error_buffer[CURL_ERROR_SIZE] = {};
  Transfer transfer(request);
  std::unique_ptr<curl_slist, SlistFree> headers;
  for (const std::string& header : request.headers) {
    // Returns the list's head: the new node for an empty list, else the list as it was.
    curl_slist* list = curl_slist_append(headers.get(), header.c_str());
    if (list == nullptr) return absl::InternalError("libcurl could not add a header");
    if (headers == nullptr) headers.reset(list);
  }
  std::unique_ptr<CURL, EasyFree> easy(curl_easy_init());
  if (easy == nullptr) return absl::InternalError("libcurl could not create a handle");
  if (!SetOptions(easy.get(), request, headers.get(), transfer, error_buffer)) {
    return absl::InternalError("libcurl rejected an option");
  }

  const std::optional<CURLcode> result = Run(easy.get(), request.cancelled);
  if (!result.has_value()) return absl::CancelledError("the request was cancelled");
  if (*result != CURLE_OK) return TransferError(*result, error_buffer, request, transfer);

  HttpResponse response;
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  response.status_code = static_cast<int>(status);
  response.body = std::move(transfer.body);
  const char* content_type = nullptr;
  if (curl_easy_getinfo(easy.get(), CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
      content_type != nullptr) {
    response.content_type = content_type;
  }
  const char* location = nullptr;
  if (status >= 300 && status <= 399 &&
      curl_easy_getinfo(easy.get(), CURLINFO_REDIRECT_URL, &location) == CURLE_OK &&
      location != nullptr) {
    response.redirect_url = location;
  }
  return response;
}

}  // namespace warden::net
