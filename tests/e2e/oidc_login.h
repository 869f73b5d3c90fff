#pragma once

// A person signing in at the test OpenID Provider (tests/oidc/provider.mjs), without a
// browser: libcurl with a cookie jar follows the provider's redirects, fills its login form
// (Email, Password) and, for the device flow, its user-code form. See tests/oidc/README.md,
// "The pages, for Playwright and for HTTP clients".

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace warden::testing {

// What the provider sent back to the client: the query of its last redirect, to the request's
// redirect_uri (which is never fetched). Either `code` or `error` is set.
struct AuthorizationResponse {
  std::string redirect;  // the whole Location, redirect_uri and query
  std::string code;
  std::string state;
  std::string iss;  // RFC 9207
  std::string error;
  std::string error_description;
  bool login_form_shown = false;  // false when the jar's SSO session sufficed
};

// One browser profile: a cookie jar (the provider's SSO session lives in it) and the CA to
// trust. Not thread-safe: one thread owns it. Requests time out after 10 s each.
class OidcLogin final {
 public:
  // REQUIRES: `ca_file` is a PEM file (OidcProvider::ca_file()).
  explicit OidcLogin(std::string ca_file);
  ~OidcLogin();

  OidcLogin(const OidcLogin&) = delete;
  OidcLogin& operator=(const OidcLogin&) = delete;

  // Opens `authorization_url` (as Warden's StartSignIn returns it) and follows the provider's
  // redirects; on the login page it signs in as `email` with `password`; consent is
  // automatic. Stops at the redirect to the request's redirect_uri parameter (a native
  // client's loopback URI with its port included) and returns its parameters, an error
  // redirect included (error=access_denied, invalid_request, ...). With the jar's SSO session
  // from an earlier sign-in the login page does not appear. Errors:
  //   PERMISSION_DENIED   the provider refused the email or password (its words quoted)
  //   FAILED_PRECONDITION the provider showed another page (its status and text quoted), or
  //                       the URL has no redirect_uri
  //   UNAVAILABLE         a transport failure (libcurl's message)
  absl::StatusOr<AuthorizationResponse> SignIn(absl::string_view authorization_url,
                                               absl::string_view email, absl::string_view password);

  // Like SignIn, but relies on the jar's SSO session: FAILED_PRECONDITION if the provider
  // asks for a login.
  absl::StatusOr<AuthorizationResponse> ContinueSession(absl::string_view authorization_url);

  // Approves a device (RFC 8628) as `email`: opens `verification_uri` (the device
  // authorization response's), enters `user_code`, signs in (unless the jar's session
  // suffices) and checks the provider's "Device connected" page. The device's next poll then
  // gets the tokens. Errors as SignIn, plus NOT_FOUND when the provider does not know the code.
  absl::Status ApproveDevice(absl::string_view verification_uri, absl::string_view user_code,
                             absl::string_view email, absl::string_view password);

  // Forgets every cookie: the next SignIn shows the login page again (a new browser).
  void ForgetSession();

 private:
  struct Page;
  struct Credentials {
    absl::string_view email;
    absl::string_view password;
    bool given = false;
  };

  absl::StatusOr<Page> Send(absl::string_view method, absl::string_view url,
                            absl::string_view form = "");
  // Follows redirects from `page`, signing in on the login page, until a redirect to a URL
  // that starts with `stop_at` (when not empty) or a page other than the login form.
  absl::StatusOr<Page> Drive(Page page, absl::string_view stop_at, const Credentials& who,
                             bool* login_form_shown);
  absl::StatusOr<AuthorizationResponse> Authorize(absl::string_view authorization_url,
                                                  const Credentials& who);

  const std::string ca_file_;
  void* curl_;  // CURL*, with its cookie engine on: the jar
};

}  // namespace warden::testing
