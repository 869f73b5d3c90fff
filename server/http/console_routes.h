#pragma once

#include <optional>
#include <string>

#include "server/http/http_message.h"

namespace warden::http {

// The Content-Security-Policy of the console's page: its own script, stylesheet and API,
// nothing inline, nothing from elsewhere, never framed.
extern const char kConsoleSecurityPolicy[];
// Where auth providers send people back after sign-in; the console page is served there.
extern const char kSignInCallbackPath[];

// The console at `/` and its assets (ConsoleAssets()), for GET and HEAD: ETags with 304 for
// a matching If-None-Match, assets named by their content cached for good, the page
// revalidated each time. Without a console (-DWARDEN_CONSOLE=OFF) `/` answers 404 saying
// so. nullopt for any other path.
std::optional<HttpResponse> ServeConsole(const HttpRequest& request, std::string* route);

}  // namespace warden::http
