#include "server/http/console_routes.h"

#include "server/http/console_assets.h"

namespace warden::http {

const char kSignInCallbackPath[] = "/auth/callback";

const char kConsoleSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

std::optional<HttpResponse> ServeConsole(const HttpRequest& request, std::string* route) {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  const std::vector<ConsoleAsset>& assets = ConsoleAssets();
  if (assets.empty()) {
    if (request.path != "/") return std::nullopt;
    *route = "/";
    HttpResponse missing;
    missing.status = 404;
    missing.content_type = "text/plain; charset=utf-8";
    missing.body =
        "This warden-server was built without the web console (-DWARDEN_CONSOLE=OFF).\n"
        "The API is served here: POST /warden.v1.<Service>/<Method> (Connect), /v1/apitokens.\n";
    return missing;
  }
  // Auth providers send people back to <base URL>/auth/callback (SPEC §6a): the console's
  // page, which reads the code and state and completes the sign-in.
  const std::string& path = request.path == kSignInCallbackPath ? std::string("/") : request.path;
  for (const ConsoleAsset& asset : assets) {
    if (path != asset.path) continue;
    *route = asset.immutable ? "/assets" : "/";
    HttpResponse answer;
    answer.SetHeader("ETag", std::string(asset.etag));
    answer.SetHeader("Cache-Control",
                     asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    if (asset.path == "/") answer.SetHeader("Content-Security-Policy", kConsoleSecurityPolicy);
    if (request.Header("if-none-match") == std::string(asset.etag)) {
      answer.status = 304;
      answer.content_type.clear();
      return answer;
    }
    answer.status = 200;
    answer.content_type = std::string(asset.content_type);
    answer.body = std::string(asset.body);
    return answer;
  }
  return std::nullopt;
}

}  // namespace warden::http
