// The console's page and assets as the router serves them: the page with its own
// Content-Security-Policy (one, not two), revalidated through its ETag; assets named by
// their content cached for good; nothing but GET and HEAD; and, in a build without the
// console, a `/` that says so.

#include "server/http/console_routes.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/match.h"
#include "server/http/console_assets.h"
#include "server/http/router.h"
#include "tests/unit/http/http_fixture.h"

namespace warden::http {
namespace {

using testing::HeaderOf;
using testing::HttpFixture;
using testing::MakeRequest;

TEST_CASE_METHOD(HttpFixture, "the console page carries its own policy, once, and revalidates") {
  if (ConsoleAssets().empty()) {
    std::string route;
    HttpResponse answer = *ServeConsole(MakeRequest("GET", "/"), &route);
    CHECK(answer.status == 404);
    CHECK(absl::StrContains(answer.body, "-DWARDEN_CONSOLE=OFF"));
    return;
  }
  std::unique_ptr<Router> router = MakeRouter(testing::FakeRoutes());
  std::string route;
  HttpResponse page = router->Handle(MakeRequest("GET", "/"), &route);
  CHECK(page.status == 200);
  CHECK(route == "/");
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(absl::StrContains(page.body, "<script type=\"module\" src=\"/assets/"));
  CHECK(page.headers.count("Content-Security-Policy") == 1);
  CHECK(HeaderOf(page, "Content-Security-Policy") == kConsoleSecurityPolicy);
  CHECK(HeaderOf(page, "Cache-Control") == "no-cache");
  const std::string etag = HeaderOf(page, "ETag");
  REQUIRE(etag.size() > 2);

  HttpResponse again =
      router->Handle(MakeRequest("GET", "/", "", {{"if-none-match", etag}}), &route);
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  HttpResponse stale =
      router->Handle(MakeRequest("GET", "/", "", {{"if-none-match", "\"old\""}}), &route);
  CHECK(stale.status == 200);
}

TEST_CASE_METHOD(HttpFixture, "console assets are cached for good and only read") {
  std::unique_ptr<Router> router = MakeRouter(testing::FakeRoutes());
  for (const ConsoleAsset& asset : ConsoleAssets()) {
    if (!asset.immutable) continue;
    INFO(asset.path);
    const std::string path(asset.path);
    CHECK(absl::StartsWith(path, "/assets/"));
    std::string route;
    HttpResponse answer = router->Handle(MakeRequest("GET", path), &route);
    CHECK(answer.status == 200);
    CHECK(route == "/assets");
    CHECK(answer.body == asset.body);
    CHECK(HeaderOf(answer, "Cache-Control") == "public, max-age=31536000, immutable");
    CHECK(absl::StartsWith(HeaderOf(answer, "Content-Security-Policy"), "default-src 'none'"));
    CHECK(router->Handle(MakeRequest("POST", path), &route).status == 404);
    CHECK(router->Handle(MakeRequest("DELETE", path), &route).status == 404);
  }
}

}  // namespace
}  // namespace warden::http
