#include "server/oidc/discovery.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "glog/logging.h"
#include "net/url_origin.h"
#include "validation/jose/json_object.h"
#include "validation/jose/signing_key.h"

namespace warden::oidc {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxJsonDepth = 32;
constexpr size_t kMaxKeys = 100;
constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxShown = 200;  // Longest excerpt of a document's value in a message.

std::string Excerpt(const std::string& text) {
  if (text.size() <= kMaxShown) return text;
  return absl::StrCat(text.substr(0, kMaxShown), "...");
}

bool IsHttps(const std::string& url) { return absl::StartsWithIgnoreCase(url, "https://"); }

// The two documents discovery fetches, as a caller is told about them.
struct Document {
  const char* name;         // For the log.
  const char* unreachable;  // The caller's message when the fetch fails,
  const char* not_allowed;  // when its host's addresses may not be connected to,
  const char* not_json;     // and when what came back is no JSON object.
};
constexpr Document kConfiguration = {
    "discovery document", "cannot fetch the issuer's OpenID configuration",
    "the issuer's address is not allowed", "the issuer's OpenID configuration is not JSON"};
constexpr Document kKeys = {"JWKS", "cannot fetch the issuer's keys",
                            "the address of the issuer's keys is not allowed",
                            "the issuer's keys (JWKS) are not JSON"};

// Logs `detail` (which may quote URLs, documents and the fetcher's words) and returns
// FAILED_PRECONDITION with the fixed `reason`.
absl::Status Refuse(const std::string& detail, const char* reason) {
  LOG(WARNING) << "OIDC discovery: " << detail;
  return absl::FailedPreconditionError(reason);
}

// What a caller is told about a failed fetch: the document's fixed message, with the fetcher's
// code and payloads (FetchIssuerKeys reads the HTTP status back). Its own message, with
// libcurl's words, resolved addresses and ports, goes to the log only: handed back to whoever
// named the URL, it would make Warden a scanner of its own network.
absl::Status Withhold(const absl::Status& fetched, const Document& document) {
  LOG(WARNING) << "OIDC discovery: cannot fetch the " << document.name << ": "
               << absl::StatusCodeToString(fetched.code()) << ": " << fetched.message();
  absl::Status out(fetched.code(),
                   IsAddressNotAllowed(fetched) ? document.not_allowed : document.unreachable);
  fetched.ForEachPayload(
      [&out](absl::string_view type, const absl::Cord& payload) { out.SetPayload(type, payload); });
  return out;
}

absl::StatusOr<Json> FetchJson(HttpFetcher& fetcher, const std::string& url,
                               const FetchOptions& options, const Document& document) {
  absl::StatusOr<HttpResponse> response = fetcher.Get(url, options);
  if (!response.ok()) return Withhold(response.status(), document);
  std::optional<Json> json = jose::ParseJsonObject(response->body, kMaxJsonDepth);
  if (!json.has_value()) {
    return Refuse(
        absl::StrCat(document.name, " at ", url, " is not a JSON object (or has repeated members)"),
        document.not_json);
  }
  return *std::move(json);
}

// The jwks_uri named by the discovery document at `url`, after checking its issuer.
absl::StatusOr<std::string> JwksUri(const Json& document, const std::string& url,
                                    const std::string& issuer) {
  const auto named = document.find("issuer");
  const std::string* named_issuer =
      named == document.end() ? nullptr : named->get_ptr<const std::string*>();
  if (named_issuer == nullptr || *named_issuer != issuer) {
    return Refuse(absl::StrCat("discovery document at ", url, " names issuer \"",
                               named_issuer == nullptr ? "" : Excerpt(*named_issuer), "\", not \"",
                               issuer, "\""),
                  "the issuer's OpenID configuration names another issuer");
  }
  const auto jwks = document.find("jwks_uri");
  const std::string* jwks_uri =
      jwks == document.end() ? nullptr : jwks->get_ptr<const std::string*>();
  if (jwks_uri == nullptr || jwks_uri->empty() || jwks_uri->size() > kMaxUrlBytes) {
    return Refuse(absl::StrCat("discovery document at ", url, " has no usable jwks_uri"),
                  "the issuer's OpenID configuration has no usable jwks_uri");
  }
  if (IsHttps(issuer) && !IsHttps(*jwks_uri)) {
    return Refuse(absl::StrCat("discovery document at ", url, " names jwks_uri \"",
                               Excerpt(*jwks_uri), "\", which is not https"),
                  "the issuer's OpenID configuration names a jwks_uri that is not https");
  }
  return *jwks_uri;
}

absl::StatusOr<IssuerKeys> KeysFromJwks(const Json& jwks, const std::string& jwks_uri) {
  const auto keys = jwks.find("keys");
  if (keys == jwks.end() || !keys->is_array()) {
    return Refuse(absl::StrCat("JWKS at ", jwks_uri, " has no keys array"),
                  "the issuer's keys (JWKS) have no keys array");
  }
  IssuerKeys out;
  out.jwks_uri = jwks_uri;
  std::vector<std::shared_ptr<const jose::SigningKey>> usable;
  absl::flat_hash_set<std::string> kids;
  std::string first_problem;
  for (const Json& jwk : *keys) {
    absl::StatusOr<std::shared_ptr<const jose::SigningKey>> key = jose::SigningKey::FromJwk(jwk);
    std::string problem;
    if (!key.ok()) {
      problem = std::string(key.status().message());
    } else if (!kids.insert((*key)->kid()).second) {
      problem = absl::StrCat("kid \"", Excerpt((*key)->kid()), "\" is listed twice");
    } else if (usable.size() >= kMaxKeys) {
      problem = absl::StrCat("more than ", kMaxKeys, " keys");
    }
    if (problem.empty()) {
      usable.push_back(*std::move(key));
      continue;
    }
    ++out.skipped_keys;
    if (first_problem.empty()) first_problem = problem;
    LOG(INFO) << "JWKS at " << jwks_uri << ": skipping a key: " << problem;
  }
  if (usable.empty()) {
    return Refuse(absl::StrCat("JWKS at ", jwks_uri, " has no usable signing key",
                               first_problem.empty() ? "" : absl::StrCat(" (", first_problem, ")")),
                  "the issuer's keys (JWKS) have no usable signing key");
  }
  ASSIGN_OR_RETURN(jose::KeyRing ring, jose::KeyRing::CreateForVerification(std::move(usable)));
  out.keys = std::make_shared<const jose::KeyRing>(std::move(ring));
  return out;
}

}  // namespace

std::string DiscoveryUrl(const std::string& issuer) {
  const std::string base =
      absl::EndsWith(issuer, "/") ? issuer.substr(0, issuer.size() - 1) : issuer;
  return absl::StrCat(base, "/.well-known/openid-configuration");
}

absl::StatusOr<IssuerKeys> DiscoverIssuerKeys(HttpFetcher& fetcher, const std::string& issuer,
                                              const FetchOptions& options) {
  const std::string url = DiscoveryUrl(issuer);
  ASSIGN_OR_RETURN(const Json document, FetchJson(fetcher, url, options, kConfiguration));
  ASSIGN_OR_RETURN(const std::string jwks_uri, JwksUri(document, url, issuer));
  FetchOptions jwks_options = options;
  const std::optional<std::string> jwks_origin = net::UrlOrigin(jwks_uri);
  if (!jwks_origin.has_value() || jwks_origin != net::UrlOrigin(issuer)) {
    jwks_options.bearer_token.reset();
  }
  ASSIGN_OR_RETURN(const Json jwks, FetchJson(fetcher, jwks_uri, jwks_options, kKeys));
  return KeysFromJwks(jwks, jwks_uri);
}

}  // namespace warden::oidc
