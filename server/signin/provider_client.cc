#include "server/signin/provider_client.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "glog/logging.h"
#include "nlohmann/json.hpp"
#include "server/oidc/discovery.h"

namespace warden {
namespace {

using Json = nlohmann::json;

std::string StringAt(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::optional<int64_t> SecondsAt(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
    return std::nullopt;
  }
  return it->get<int64_t>();
}

// A provider's error text, for the person: its error code and (shortened) description.
std::string ProviderSays(const Json& body) {
  std::string error = StringAt(body, "error");
  std::string description = StringAt(body, "error_description");
  if (description.size() > 200) description = description.substr(0, 200) + "...";
  for (char& c : description) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (error.empty()) return "no error code";
  return description.empty() ? error : absl::StrCat(error, ": ", description);
}

absl::Status Unreachable(const AuthProvider& provider, const absl::Status& status) {
  LOG(WARNING) << "auth provider " << provider.name << ": " << status.message();
  if (oidc::IsAddressNotAllowed(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the address of auth provider ", provider.name, " is not allowed"));
  }
  return absl::Status(absl::IsFailedPrecondition(status) ? absl::StatusCode::kFailedPrecondition
                                                         : absl::StatusCode::kUnavailable,
                      absl::StrCat("auth provider ", provider.name, " cannot be reached"));
}

}  // namespace

std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

ProviderClient::ProviderClient(oidc::HttpFetcher& fetcher, const Clock& clock, Options options)
    : fetcher_(fetcher), clock_(clock), options_(std::move(options)) {}

void ProviderClient::Forget(const std::string& issuer) {
  absl::MutexLock lock(&mu_);
  discovery_.erase(issuer);
}

absl::StatusOr<ProviderEndpoints> ProviderClient::Endpoints(const AuthProvider& provider) {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = discovery_.find(provider.issuer);
    if (it != discovery_.end() && now - it->second.fetched_at < options_.discovery_max_age) {
      return it->second.endpoints;
    }
  }
  oidc::FetchOptions fetch = options_.fetch;
  fetch.ca_file = options_.ca_file;
  absl::StatusOr<oidc::HttpResponse> response =
      fetcher_.Get(oidc::DiscoveryUrl(provider.issuer), fetch);
  if (!response.ok()) return Unreachable(provider, response.status());
  Json document = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  auto unusable = [&provider](const char* why) {
    return absl::FailedPreconditionError(absl::StrCat("the OpenID configuration of auth provider ",
                                                      provider.name, " is not usable: ", why));
  };
  if (!document.is_object()) return unusable("not a JSON object");
  if (StringAt(document, "issuer") != provider.issuer) return unusable("it names another issuer");
  ProviderEndpoints endpoints;
  endpoints.authorization_endpoint = StringAt(document, "authorization_endpoint");
  endpoints.token_endpoint = StringAt(document, "token_endpoint");
  endpoints.device_authorization_endpoint = StringAt(document, "device_authorization_endpoint");
  for (const std::string* url : {&endpoints.authorization_endpoint, &endpoints.token_endpoint}) {
    if (!absl::StartsWith(*url, "https://")) {
      return unusable("no https authorization_endpoint and token_endpoint");
    }
  }
  if (!absl::StartsWith(endpoints.device_authorization_endpoint, "https://")) {
    endpoints.device_authorization_endpoint.clear();
  }
  absl::MutexLock lock(&mu_);
  discovery_[provider.issuer] = Cached{endpoints, now};
  return endpoints;
}

absl::Status ProviderClient::Authenticate(const AuthProvider& provider, std::string& form,
                                          std::optional<std::string>& authorization) const {
  if (provider.client_secret_file.empty()) {
    absl::StrAppend(&form, "&client_id=", FormEncode(provider.client_id));
    return absl::OkStatus();
  }
  const std::string path = absl::StrCat(options_.secrets_dir, "/", provider.client_secret_file);
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  std::string secret = std::string(absl::StripTrailingAsciiWhitespace(content.str()));
  if (options_.secrets_dir.empty() || !in || secret.empty()) {
    LOG(WARNING) << "auth provider " << provider.name << ": cannot read the client secret from "
                 << path << " (WARDEN_AUTH_PROVIDER_SECRETS_DIR)";
    return absl::FailedPreconditionError(
        absl::StrCat("the client secret of auth provider ", provider.name,
                     " cannot be read on this server: an operator must provide its file"));
  }
  // RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined.
  authorization = absl::StrCat(
      "Basic ",
      absl::Base64Escape(absl::StrCat(FormEncode(provider.client_id), ":", FormEncode(secret))));
  return absl::OkStatus();
}

absl::StatusOr<Json> ProviderClient::Post(const AuthProvider& provider, const std::string& url,
                                          std::string form) {
  std::optional<std::string> authorization;
  RETURN_IF_ERROR(Authenticate(provider, form, authorization));
  oidc::FetchOptions fetch = options_.fetch;
  fetch.ca_file = options_.ca_file;
  absl::StatusOr<oidc::HttpResponse> response = fetcher_.PostForm(url, form, authorization, fetch);
  if (!response.ok()) return Unreachable(provider, response.status());
  Json body = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    LOG(WARNING) << "auth provider " << provider.name << ": POST " << url << " answered "
                 << response->status_code << " without a JSON object";
    return absl::UnavailableError(
        absl::StrCat("auth provider ", provider.name, " gave an answer that is not JSON"));
  }
  if (response->status_code >= 200 && response->status_code <= 299) return body;
  const std::string error = StringAt(body, "error");
  if (error == "invalid_client" || error == "unauthorized_client") {
    LOG(WARNING) << "auth provider " << provider.name
                 << " refused Warden's client: " << ProviderSays(body);
    return absl::FailedPreconditionError(
        absl::StrCat("auth provider ", provider.name, " refused Warden's client credentials (",
                     error, "): an administrator must check its client id and secret"));
  }
  if (error.empty() || response->status_code >= 500) {
    return absl::UnavailableError(
        absl::StrCat("auth provider ", provider.name, " answered HTTP ", response->status_code));
  }
  // Not an error: a device poll reads these fields itself.
  body["warden_refused"] = true;
  return body;
}

namespace {

absl::StatusOr<ProviderTokens> ParseTokens(const AuthProvider& provider, const Json& body) {
  ProviderTokens tokens;
  tokens.id_token = StringAt(body, "id_token");
  if (tokens.id_token.empty()) {
    return absl::UnauthenticatedError(absl::StrCat("auth provider ", provider.name,
                                                   " sent no ID token (is \"openid\" among "
                                                   "the scopes it allows this client?)"));
  }
  if (std::optional<int64_t> seconds = SecondsAt(body, "refresh_expires_in")) {
    tokens.session_lifetime = absl::Seconds(*seconds);
  }
  return tokens;
}

}  // namespace

absl::StatusOr<ProviderTokens> ProviderClient::RedeemCode(const AuthProvider& provider,
                                                          const std::string& code,
                                                          const std::string& code_verifier,
                                                          const std::string& redirect_uri) {
  ASSIGN_OR_RETURN(ProviderEndpoints endpoints, Endpoints(provider));
  ASSIGN_OR_RETURN(Json body,
                   Post(provider, endpoints.token_endpoint,
                        absl::StrCat("grant_type=authorization_code&code=", FormEncode(code),
                                     "&redirect_uri=", FormEncode(redirect_uri),
                                     "&code_verifier=", FormEncode(code_verifier))));
  if (body.contains("warden_refused")) {
    return absl::UnauthenticatedError(
        absl::StrCat("auth provider ", provider.name,
                     " refused the sign-in code (used before, expired, or not from this sign-in): ",
                     ProviderSays(body)));
  }
  return ParseTokens(provider, body);
}

absl::StatusOr<DeviceAuthorization> ProviderClient::StartDevice(const AuthProvider& provider) {
  ASSIGN_OR_RETURN(ProviderEndpoints endpoints, Endpoints(provider));
  if (endpoints.device_authorization_endpoint.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("auth provider ", provider.name,
                     " does not offer the device flow: sign in with a browser"));
  }
  std::string scopes;
  for (const std::string& scope : provider.scopes) {
    absl::StrAppend(&scopes, scopes.empty() ? "" : " ", scope);
  }
  ASSIGN_OR_RETURN(Json body, Post(provider, endpoints.device_authorization_endpoint,
                                   absl::StrCat("scope=", FormEncode(scopes))));
  if (body.contains("warden_refused")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "auth provider ", provider.name, " refused a device sign-in: ", ProviderSays(body)));
  }
  DeviceAuthorization out;
  out.device_code = StringAt(body, "device_code");
  out.user_code = StringAt(body, "user_code");
  out.verification_uri = StringAt(body, "verification_uri");
  out.verification_uri_complete = StringAt(body, "verification_uri_complete");
  if (out.device_code.empty() || out.user_code.empty() || out.verification_uri.empty()) {
    return absl::UnavailableError(
        absl::StrCat("auth provider ", provider.name, " gave an incomplete device authorization"));
  }
  out.interval = absl::Seconds(SecondsAt(body, "interval").value_or(5));
  out.expires_at = clock_.Now() + absl::Seconds(SecondsAt(body, "expires_in").value_or(600));
  return out;
}

absl::StatusOr<DevicePoll> ProviderClient::PollDevice(const AuthProvider& provider,
                                                      const std::string& device_code) {
  ASSIGN_OR_RETURN(ProviderEndpoints endpoints, Endpoints(provider));
  ASSIGN_OR_RETURN(
      Json body,
      Post(provider, endpoints.token_endpoint,
           absl::StrCat("grant_type=", FormEncode("urn:ietf:params:oauth:grant-type:device_code"),
                        "&device_code=", FormEncode(device_code))));
  DevicePoll poll;
  if (body.contains("warden_refused")) {
    const std::string error = StringAt(body, "error");
    if (error == "authorization_pending") {
      poll.pending = true;
      return poll;
    }
    if (error == "slow_down") {
      poll.pending = true;
      poll.slow_down = absl::Seconds(5);
      return poll;
    }
    return absl::UnauthenticatedError(absl::StrCat(
        "auth provider ", provider.name, " ended the device sign-in: ", ProviderSays(body)));
  }
  ASSIGN_OR_RETURN(poll.tokens, ParseTokens(provider, body));
  return poll;
}

}  // namespace warden
