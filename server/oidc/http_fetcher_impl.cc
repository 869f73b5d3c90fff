#include "server/oidc/http_fetcher_impl.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "net/http_client.h"
#include "net/url_origin.h"
#include "server/oidc/address_policy.h"

namespace warden::oidc {
namespace {

// The HttpFetcher::Get error for a request of `url` the client failed with `error`, when the
// address hook refused `refused` ("10.0.0.1 (private)", ...).
absl::Status FetchError(const char* verb, const std::string& url, const absl::Status& error,
                        const std::vector<std::string>& refused, bool allow_private) {
  if (absl::IsResourceExhausted(error)) {  // "response is larger than N bytes"
    return absl::FailedPreconditionError(absl::StrCat(verb, " ", url, ": ", error.message()));
  }
  if (!refused.empty()) {
    const char* hint = allow_private
                           ? ""
                           : " (WARDEN_M2M_ALLOW_PRIVATE_ISSUERS=true allows loopback, private, "
                             "link-local and shared addresses)";
    return AddressNotAllowedError(
        url, absl::StrCat(absl::StrJoin(refused, ", "), hint, "; ", error.message()));
  }
  switch (error.code()) {
    case absl::StatusCode::kInternal:  // libcurl itself: nothing about the URL.
      return error;
    case absl::StatusCode::kInvalidArgument:  // A URL libcurl refuses, or its scheme.
      return absl::FailedPreconditionError(absl::StrCat(verb, " ", url, ": ", error.message()));
    default:
      return absl::UnavailableError(absl::StrCat(verb, " ", url, ": ", error.message()));
  }
}

const char* Verb(const net::HttpRequest& request) {
  return request.method == net::HttpRequest::Method::kPost ? "POST" : "GET";
}

// One request of a redirect chain, within what is left of the time until `deadline`. Clears
// `refused`, which `request`'s address hook fills.
absl::StatusOr<net::HttpResponse> Perform(net::HttpRequest& request, absl::Time deadline,
                                          std::vector<std::string>& refused, bool allow_private) {
  refused.clear();
  request.timeout = deadline - absl::Now();
  if (request.timeout <= absl::ZeroDuration()) {
    return absl::UnavailableError(absl::StrCat(Verb(request), " ", request.url, ": timed out"));
  }
  absl::StatusOr<net::HttpResponse> response = net::SendHttpRequest(request);
  if (!response.ok())
    return FetchError(Verb(request), request.url, response.status(), refused, allow_private);
  return response;
}

}  // namespace

// The request every fetch starts from: the URL policy checked, the address hook installed
// (it fills `refused`), the options applied. `verb` names the method in errors.
absl::StatusOr<net::HttpRequest> HttpFetcherImpl::Prepare(const std::string& verb,
                                                          const std::string& url,
                                                          const FetchOptions& options,
                                                          std::vector<std::string>& refused) const {
  const bool https = absl::StartsWithIgnoreCase(url, "https://");
  if (!https && !(options_.allow_plain_http && absl::StartsWithIgnoreCase(url, "http://"))) {
    return absl::FailedPreconditionError(
        absl::StrCat(verb, " ", url, ": only https URLs are fetched"));
  }
  if (!net::UrlOrigin(url).has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(verb, " ", url, ": not a valid URL"));
  }
  const bool allow_private = options_.allow_private_addresses;
  net::HttpRequest request;
  request.url = url;
  request.allow_http = options_.allow_plain_http;
  request.headers = {"Accept: application/json"};
  request.user_agent = "warden-oidc";
  request.bearer_token = options.bearer_token;
  request.ca_file = options.ca_file;
  request.connect_timeout = options.connect_timeout;
  request.max_body_bytes = options.max_bytes;
  request.detailed_errors = true;
  request.allow_address = [&refused, allow_private](const sockaddr* address, socklen_t length) {
    const AddressKind kind = ClassifySocketAddress(address, length);
    if (AddressAllowed(kind, allow_private)) return true;
    refused.push_back(absl::StrCat(SocketAddressText(address, length), " (",
                                   std::string(AddressKindName(kind)), ")"));
    return false;
  };
  return request;
}

absl::StatusOr<HttpResponse> HttpFetcherImpl::PostForm(
    const std::string& url, const std::string& form,
    const std::optional<std::string>& authorization, const FetchOptions& options) {
  std::vector<std::string> refused;  // By the hook, for the log.
  ASSIGN_OR_RETURN(net::HttpRequest request, Prepare("POST", url, options, refused));
  request.method = net::HttpRequest::Method::kPost;
  request.body = form;
  request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
  if (authorization.has_value()) request.headers.push_back("Authorization: " + *authorization);
  ASSIGN_OR_RETURN(net::HttpResponse response, Perform(request, absl::Now() + options.timeout,
                                                       refused, options_.allow_private_addresses));
  return HttpResponse{.status_code = response.status_code,
                      .body = std::move(response.body),
                      .content_type = std::move(response.content_type)};
}

absl::StatusOr<HttpResponse> HttpFetcherImpl::Get(const std::string& url,
                                                  const FetchOptions& options) {
  const std::optional<std::string> origin = net::UrlOrigin(url);
  const bool allow_private = options_.allow_private_addresses;
  std::vector<std::string> refused;  // By the hook, for the log.
  ASSIGN_OR_RETURN(net::HttpRequest request, Prepare("GET", url, options, refused));

  const absl::Time deadline = absl::Now() + options.timeout;
  for (int redirects = 0;; ++redirects) {
    ASSIGN_OR_RETURN(net::HttpResponse response,
                     Perform(request, deadline, refused, allow_private));
    // A 3xx without a Location is one more answer that is not 2xx.
    if (response.redirect_url.empty()) {
      if (response.status_code < 200 || response.status_code > 299) {
        return HttpStatusError(request.url, response.status_code);
      }
      return HttpResponse{.status_code = response.status_code,
                          .body = std::move(response.body),
                          .content_type = std::move(response.content_type)};
    }
    if (redirects == options_.max_redirects) {
      return absl::FailedPreconditionError(
          absl::StrCat("GET ", url, ": more than ", options_.max_redirects, " redirects"));
    }
    if (net::UrlOrigin(response.redirect_url) != origin) {
      return absl::FailedPreconditionError(absl::StrCat(
          "GET ", request.url,
          ": refused to follow a redirect to another origin: ", response.redirect_url));
    }
    request.url = std::move(response.redirect_url);
  }
}

}  // namespace warden::oidc
