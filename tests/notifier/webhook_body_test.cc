// No database: the webhook's body.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "notifier/webhook_sink.h"

namespace warden::notifier {
namespace {

ExpiringTokenNotice Notice(int minutes, std::string name) {
  ExpiringTokenNotice notice;
  notice.token_id = absl::StrCat("00000000-0000-4000-8000-0000000000", minutes);
  notice.token_name = std::move(name);
  notice.expires_at = absl::FromUnixSeconds(1700000000) + absl::Minutes(minutes);
  notice.slices_left = 1;
  notice.message = absl::StrCat("API Token ", notice.token_name, " (ID ", notice.token_id,
                                ") will expire in less than 1 day.");
  return notice;
}

TEST_CASE("the webhook body lists the earliest tokens and counts the rest", "[notifier][webhook]") {
  WebhookOptions options;
  options.url = "http://127.0.0.1:1/unused";
  options.max_listed = 2;
  WebhookSink sink(options);
  const absl::Time run_at = absl::FromUnixSeconds(1700000000);
  sink.BeginRun(run_at);
  // Pages arrive out of order from the pool.
  sink.Emit({run_at, "day", {Notice(40, "d"), Notice(50, "e")}});
  sink.Emit({run_at, "day", {Notice(10, "<!here> a & b"), Notice(20, "b"), Notice(30, "c")}});
  RunSummary summary{run_at, absl::Hours(168), 5, true};
  const nlohmann::json body = nlohmann::json::parse(sink.BodyForTesting(summary));
  CHECK(body.at("total") == 5);
  CHECK(body.at("listed") == 2);
  CHECK(body.at("truncated") == true);
  CHECK(body.at("window") == "168h");
  CHECK(body.at("run_at") == "2023-11-14T22:13:20Z");
  REQUIRE(body.at("tokens").size() == 2);
  CHECK(body.at("tokens")[0].at("token_name") == "<!here> a & b");
  CHECK(body.at("tokens")[1].at("token_name") == "b");
  CHECK(body.at("text") ==
        "Warden: 5 API tokens will expire within 168h.\n"
        "API Token &lt;!here&gt; a &amp; b (ID 00000000-0000-4000-8000-000000000010) will "
        "expire in less than 1 day.\n"
        "API Token b (ID 00000000-0000-4000-8000-000000000020) will expire in less than 1 day.\n"
        "…and 3 more.");
}

}  // namespace
}  // namespace warden::notifier
