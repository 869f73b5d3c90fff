#include "tests/e2e/oidc_login.h"

#include <curl/curl.h>

#include <map>
#include <mutex>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace warden::testing {
namespace {

// More hops than any of the provider's flows take (the longest, a login with consent, ~6).
constexpr int kMaxHops = 20;
constexpr long kRequestTimeoutMs = 10'000;

CURL* Easy(void* curl) { return static_cast<CURL*>(curl); }

size_t AppendBody(char* data, size_t size, size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

// The provider escapes &<>"' in its pages as &#NN;.
std::string DecodeEntities(absl::string_view html) {
  std::string out;
  while (!html.empty()) {
    const size_t amp = html.find("&#");
    const size_t semi = amp == absl::string_view::npos ? amp : html.find(';', amp);
    int code = 0;
    if (semi == absl::string_view::npos ||
        !absl::SimpleAtoi(html.substr(amp + 2, semi - amp - 2), &code) || code <= 0 || code > 127) {
      absl::StrAppend(&out,
                      html.substr(0, semi == absl::string_view::npos ? html.size() : semi + 1));
      html.remove_prefix(semi == absl::string_view::npos ? html.size() : semi + 1);
      continue;
    }
    absl::StrAppend(&out, html.substr(0, amp), std::string(1, static_cast<char>(code)));
    html.remove_prefix(semi + 1);
  }
  return out;
}

// The text between `open` and `close` after the first `open` in `html`; "" if absent.
std::string Between(absl::string_view html, absl::string_view open, absl::string_view close) {
  const size_t start = html.find(open);
  if (start == absl::string_view::npos) return "";
  const size_t from = start + open.size();
  const size_t end = html.find(close, from);
  if (end == absl::string_view::npos) return "";
  return DecodeEntities(html.substr(from, end - from));
}

std::string FormAction(absl::string_view html) {
  const size_t form = html.find("<form");
  return form == absl::string_view::npos ? "" : Between(html.substr(form), "action=\"", "\"");
}

std::string HiddenValue(absl::string_view html, absl::string_view name) {
  return Between(html, absl::StrCat("name=\"", name, "\" value=\""), "\"");
}

// The provider's login page (tests/oidc/provider.mjs loginPage): its form posts to
// /interaction/<uid>/login.
bool IsLoginForm(absl::string_view html) {
  const std::string action = FormAction(html);
  return absl::StartsWith(action, "/interaction/") && absl::EndsWith(action, "/login");
}

// `reference` resolved against `base`, as a browser does with a form's action.
std::string Resolve(const std::string& base, const std::string& reference) {
  CURLU* url = curl_url();
  char* resolved = nullptr;
  std::string out = reference;
  if (curl_url_set(url, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
      curl_url_set(url, CURLUPART_URL, reference.c_str(), 0) == CURLUE_OK &&
      curl_url_get(url, CURLUPART_URL, &resolved, 0) == CURLUE_OK) {
    out = resolved;
  }
  curl_free(resolved);
  curl_url_cleanup(url);
  return out;
}

std::string FormDecode(absl::string_view value) {
  std::string plus_as_space = absl::StrReplaceAll(value, {{"+", " "}});
  int length = 0;
  char* decoded = curl_easy_unescape(nullptr, plus_as_space.data(),
                                     static_cast<int>(plus_as_space.size()), &length);
  std::string out(decoded, static_cast<size_t>(length));
  curl_free(decoded);
  return out;
}

std::string FormEncode(absl::string_view value) {
  char* encoded = curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size()));
  std::string out = encoded;
  curl_free(encoded);
  return out;
}

// The query parameters of `url` (decoded; the first of repeated names).
std::map<std::string, std::string> QueryOf(absl::string_view url) {
  std::map<std::string, std::string> parameters;
  const size_t question = url.find('?');
  if (question == absl::string_view::npos) return parameters;
  absl::string_view query = url.substr(question + 1);
  query = query.substr(0, query.find('#'));
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t equals = pair.find('=');
    parameters.try_emplace(
        FormDecode(pair.substr(0, equals)),
        equals == absl::string_view::npos ? "" : FormDecode(pair.substr(equals + 1)));
  }
  return parameters;
}

// A page's text as a person reads it, shortened: for error messages.
std::string VisibleText(absl::string_view html) {
  std::string text;
  bool in_tag = false;
  const size_t style_end = html.find("</style>");
  if (style_end != absl::string_view::npos) html.remove_prefix(style_end + 8);
  for (char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag) text.push_back(absl::ascii_isspace(static_cast<unsigned char>(c)) ? ' ' : c);
    if (c == '>') in_tag = false;
  }
  std::string collapsed;
  for (char c : DecodeEntities(text)) {
    if (c == ' ' && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed.push_back(c);
  }
  if (collapsed.size() > 400) collapsed = collapsed.substr(0, 400) + "...";
  return std::string(absl::StripAsciiWhitespace(collapsed));
}

}  // namespace

struct OidcLogin::Page {
  std::string method;
  std::string url;
  int status = 0;
  std::string body;
  std::string location;  // absolute; empty unless the answer is a redirect

  std::string Describe() const {
    return absl::StrCat(method, " ", url, " answered ", status,
                        location.empty() ? "" : absl::StrCat(" to ", location), ": \"",
                        VisibleText(body), "\"");
  }
};

OidcLogin::OidcLogin(std::string ca_file) : ca_file_(std::move(ca_file)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_COOKIEFILE, "");  // the cookie engine, in memory: the jar
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // the redirect_uri is never fetched
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, kRequestTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "warden-tests OidcLogin");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_ = curl;
}

OidcLogin::~OidcLogin() { curl_easy_cleanup(Easy(curl_)); }

void OidcLogin::ForgetSession() { curl_easy_setopt(Easy(curl_), CURLOPT_COOKIELIST, "ALL"); }

absl::StatusOr<OidcLogin::Page> OidcLogin::Send(absl::string_view method, absl::string_view url,
                                                absl::string_view form) {
  CURL* curl = Easy(curl_);
  Page page;
  page.method = std::string(method);
  page.url = std::string(url);
  curl_easy_setopt(curl, CURLOPT_URL, page.url.c_str());
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
    curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, std::string(form).c_str());
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  // A browser: the provider answers errors as pages then (README, "Error format follows
  // Accept").
  curl_slist* headers = curl_slist_append(nullptr, "Accept: text/html");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &page.body);
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const CURLcode result = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  if (result != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(
        method, " ", url, ": ", error[0] != '\0' ? error : curl_easy_strerror(result)));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  page.status = static_cast<int>(status);
  char* location = nullptr;
  curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
  if (location != nullptr) page.location = location;
  return page;
}

absl::StatusOr<OidcLogin::Page> OidcLogin::Drive(Page page, absl::string_view stop_at,
                                                 const Credentials& who, bool* login_form_shown) {
  bool posted = false;
  for (int hop = 0; hop < kMaxHops; ++hop) {
    if (!page.location.empty()) {
      if (!stop_at.empty() && absl::StartsWith(page.location, stop_at)) return page;
      absl::StatusOr<Page> next = Send("GET", page.location);
      if (!next.ok()) return next.status();
      page = *std::move(next);
      continue;
    }
    if (!IsLoginForm(page.body)) return page;
    *login_form_shown = true;
    if (posted) {
      const std::string alert = Between(page.body, "role=\"alert\">", "</p>");
      return absl::PermissionDeniedError(
          absl::StrCat("the provider refused the sign-in of ", who.email, ": \"",
                       alert.empty() ? VisibleText(page.body) : alert, "\" (", page.method, " ",
                       page.url, " answered ", page.status, ")"));
    }
    if (!who.given) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the provider asks for a login (", page.url, ") where the session should have sufficed"));
    }
    absl::StatusOr<Page> next =
        Send("POST", Resolve(page.url, FormAction(page.body)),
             absl::StrCat("email=", FormEncode(who.email), "&password=", FormEncode(who.password)));
    if (!next.ok()) return next.status();
    page = *std::move(next);
    posted = true;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("more than ", kMaxHops, " redirects; the last: ", page.Describe()));
}

absl::StatusOr<AuthorizationResponse> OidcLogin::Authorize(absl::string_view authorization_url,
                                                           const Credentials& who) {
  const std::map<std::string, std::string> request = QueryOf(authorization_url);
  const auto redirect_uri = request.find("redirect_uri");
  if (redirect_uri == request.end() || redirect_uri->second.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the authorization URL has no redirect_uri: ", authorization_url));
  }
  absl::StatusOr<Page> first = Send("GET", authorization_url);
  if (!first.ok()) return first.status();
  AuthorizationResponse response;
  absl::StatusOr<Page> last =
      Drive(*std::move(first), redirect_uri->second, who, &response.login_form_shown);
  if (!last.ok()) return last.status();
  if (!absl::StartsWith(last->location, redirect_uri->second)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the provider did not redirect to ", redirect_uri->second, ": ", last->Describe()));
  }
  response.redirect = last->location;
  std::map<std::string, std::string> answer = QueryOf(last->location);
  response.code = answer["code"];
  response.state = answer["state"];
  response.iss = answer["iss"];
  response.error = answer["error"];
  response.error_description = answer["error_description"];
  return response;
}

absl::StatusOr<AuthorizationResponse> OidcLogin::SignIn(absl::string_view authorization_url,
                                                        absl::string_view email,
                                                        absl::string_view password) {
  return Authorize(authorization_url, Credentials{email, password, /*given=*/true});
}

absl::StatusOr<AuthorizationResponse> OidcLogin::ContinueSession(
    absl::string_view authorization_url) {
  return Authorize(authorization_url, Credentials{});
}

absl::Status OidcLogin::ApproveDevice(absl::string_view verification_uri,
                                      absl::string_view user_code, absl::string_view email,
                                      absl::string_view password) {
  absl::StatusOr<Page> code_page = Send("GET", verification_uri);
  if (!code_page.ok()) return code_page.status();
  const std::string action = FormAction(code_page->body);
  if (code_page->status != 200 || action.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no user-code form: ", code_page->Describe()));
  }
  // The form: a hidden xsrf (tied to the _session cookie), confirm=yes (straight on to the
  // login page), and the code.
  absl::StatusOr<Page> submitted =
      Send("POST", Resolve(code_page->url, action),
           absl::StrCat("xsrf=", FormEncode(HiddenValue(code_page->body, "xsrf")),
                        "&confirm=yes&user_code=", FormEncode(user_code)));
  if (!submitted.ok()) return submitted.status();
  if (absl::StrContains(submitted->body, "The code you entered is incorrect")) {
    return absl::NotFoundError(absl::StrCat("the provider does not know the user code \"",
                                            user_code, "\": ", submitted->Describe()));
  }
  bool login_form_shown = false;
  absl::StatusOr<Page> last =
      Drive(*std::move(submitted), /*stop_at=*/"", Credentials{email, password, /*given=*/true},
            &login_form_shown);
  if (!last.ok()) return last.status();
  if (last->status != 200 || !absl::StrContains(last->body, "id=\"device-success\"")) {
    return absl::FailedPreconditionError(
        absl::StrCat("the device flow did not end on \"Device connected\": ", last->Describe()));
  }
  return absl::OkStatus();
}

}  // namespace warden::testing
