// No database: the pure logic of the background token jobs (issue 18) — their settings, when
// a token counts as unused, the inactivity warning, its JSON and webhook forms, the rotate
// hint of expiry notices, and where a retention batch goes next.

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/match.h"
#include "notifier/expired_token_purger.h"
#include "notifier/inactivity_rule.h"
#include "notifier/notice_json.h"
#include "notifier/notifier_config.h"
#include "notifier/webhook_sink.h"

namespace warden::notifier {
namespace {

const absl::Duration kDay = absl::Hours(24);
const absl::Time kNow = absl::FromUnixSeconds(1700000000);  // 2023-11-14T22:13:20Z

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST_CASE("inactivity revocation is off and retention is 30 days by default",
          "[notifier][config][token_jobs]") {
  absl::StatusOr<NotifierConfig> config = ParseNotifierConfig(Env({}));
  REQUIRE(config.ok());
  CHECK(config->inactivity_timeout == absl::ZeroDuration());
  CHECK(config->retention == absl::Hours(720));
  for (const char* off : {"0", "0s", "0h", ""}) {
    config = ParseNotifierConfig(Env({{"WARDEN_TOKEN_INACTIVITY_TIMEOUT", off}}));
    INFO(off);
    REQUIRE(config.ok());
    CHECK(config->inactivity_timeout == absl::ZeroDuration());
  }
}

TEST_CASE("the inactivity timeout and retention are read as Go-style durations",
          "[notifier][config][token_jobs]") {
  absl::StatusOr<NotifierConfig> config = ParseNotifierConfig(
      Env({{"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "2160h"}, {"WARDEN_TOKEN_RETENTION", "1h"}}));
  REQUIRE(config.ok());
  CHECK(config->inactivity_timeout == 90 * kDay);
  CHECK(config->retention == absl::Hours(1));
  config = ParseNotifierConfig(Env({{"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "24h"}}));
  REQUIRE(config.ok());
  CHECK(config->inactivity_timeout == kDay);
}

TEST_CASE("a timeout under 24h or a retention under 1h stops start-up, saying what is expected",
          "[notifier][config][token_jobs]") {
  const std::pair<const char*, const char*> bad[] = {
      {"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "23h59m"},
      {"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "1s"},
      {"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "-48h"},
      {"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "90d"},
      {"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "off"},
      {"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "inf"},
      {"WARDEN_TOKEN_RETENTION", "59m"},
      {"WARDEN_TOKEN_RETENTION", "-1h"},
      {"WARDEN_TOKEN_RETENTION", "30 days"},
      {"WARDEN_TOKEN_RETENTION", ""},
  };
  for (const auto& [variable, value] : bad) {
    absl::StatusOr<NotifierConfig> config = ParseNotifierConfig(Env({{variable, value}}));
    INFO(variable << "=" << value << " -> " << config.status());
    CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(config.status().message(), variable));
    CHECK(absl::StrContains(config.status().message(), "at least"));
  }
}

TEST_CASE("a retention of 0 is refused, and the message says why",
          "[notifier][config][token_jobs]") {
  for (const char* zero : {"0", "0s"}) {
    absl::StatusOr<NotifierConfig> config =
        ParseNotifierConfig(Env({{"WARDEN_TOKEN_RETENTION", zero}}));
    INFO(config.status());
    CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(config.status().message(), "cannot be 0"));
    CHECK(absl::StrContains(config.status().message(), "revoked token"));
    CHECK(absl::StrContains(config.status().message(), "keep forever"));
  }
}

TEST_CASE("the warning leads the revocation by the window, at most half the timeout",
          "[notifier][inactivity][token_jobs]") {
  InactivityBounds bounds = InactivityBoundsAt(kNow, 90 * kDay, 7 * kDay);
  CHECK(bounds.revoke_before == kNow - 90 * kDay);
  CHECK(bounds.warn_before == kNow - 83 * kDay);
  CHECK(bounds.lead == 7 * kDay);
  // A 24h timeout with the default 168h window: warned once idle for 12h, not at once.
  bounds = InactivityBoundsAt(kNow, kDay, 7 * kDay);
  CHECK(bounds.lead == absl::Hours(12));
  CHECK(bounds.warn_before == kNow - absl::Hours(12));
}

TEST_CASE("a token is judged by the later of its issue and its last use",
          "[notifier][inactivity][token_jobs]") {
  const InactivityBounds bounds = InactivityBoundsAt(kNow, 90 * kDay, 7 * kDay);
  const absl::Duration us = absl::Microseconds(1);
  CHECK(JudgeIdle(kNow - 90 * kDay - us, bounds) == IdleVerdict::kRevoke);
  CHECK(JudgeIdle(kNow - 90 * kDay, bounds) == IdleVerdict::kWarn);  // exactly the timeout
  CHECK(JudgeIdle(kNow - 83 * kDay - us, bounds) == IdleVerdict::kWarn);
  CHECK(JudgeIdle(kNow - 83 * kDay, bounds) == IdleVerdict::kActive);
  CHECK(JudgeIdle(kNow, bounds) == IdleVerdict::kActive);

  storage::IdleToken used;
  used.issued_at = kNow - 200 * kDay;
  used.last_used_at = kNow - kDay;
  CHECK(used.last_active() == kNow - kDay);
  storage::IdleToken reissued;  // last_used_at of an older token it cannot have: issue wins
  reissued.issued_at = kNow - kDay;
  reissued.last_used_at = kNow - 5 * kDay;
  CHECK(reissued.last_active() == kNow - kDay);
  storage::IdleToken never;
  never.issued_at = kNow - 3 * kDay;
  CHECK(never.last_active() == kNow - 3 * kDay);
}

storage::IdleToken Idle(std::string id, absl::Time issued_at, absl::Time expires_at,
                        std::optional<absl::Time> last_used_at = std::nullopt) {
  storage::IdleToken token;
  token.id = std::move(id);
  token.name = token.id;
  token.issued_at = issued_at;
  token.last_used_at = last_used_at;
  token.expires_at = expires_at;
  token.signed_expires_at = expires_at;
  return token;
}

TEST_CASE("a page of idle tokens splits into one revocation batch and the warnings",
          "[notifier][inactivity][token_jobs]") {
  const absl::Duration timeout = 90 * kDay;
  const InactivityBounds bounds = InactivityBoundsAt(kNow, timeout, 7 * kDay);
  const absl::Time later = kNow + 300 * kDay;
  const std::vector<storage::IdleToken> page = {
      Idle("never used", kNow - 100 * kDay, later),
      Idle("used long ago", kNow - 300 * kDay, later, kNow - 91 * kDay),
      Idle("idle 85 days", kNow - 85 * kDay, later),
      Idle("used 85 days ago", kNow - 200 * kDay, later, kNow - 85 * kDay),
      Idle("idle 85 days, expires first", kNow - 85 * kDay, kNow + 2 * kDay),
      Idle("used last week", kNow - 200 * kDay, later, kNow - 7 * kDay),
  };
  const IdleSplit split = SplitIdle(page, bounds, timeout);
  CHECK(split.revoke == std::vector<std::string>{"never used", "used long ago"});
  REQUIRE(split.warn.size() == 2);
  CHECK(split.warn[0].id == "idle 85 days");
  CHECK(split.warn[1].id == "used 85 days ago");
}

TEST_CASE("the inactivity warning says how long the token has been idle and when it goes",
          "[notifier][inactivity][token_jobs]") {
  CHECK(WholeDaysIdle(kNow - 83 * kDay - absl::Hours(23), kNow) == 83);
  CHECK(WholeDaysIdle(kNow - absl::Hours(23), kNow) == 0);
  CHECK(WholeDaysIdle(kNow + absl::Hours(1), kNow) == 0);
  const std::string id = "8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e";
  CHECK(InactivityMessage("ci bot", id, 83, 6 * kDay + absl::Hours(1), kDay, "day") ==
        "API Token ci bot (ID " + id +
            ") has not been used for 83 days and will be revoked in less than 7 days.");
  CHECK(InactivityMessage("ci bot", id, 1, absl::Minutes(50), absl::Hours(1), "hour") ==
        "API Token ci bot (ID " + id +
            ") has not been used for 1 day and will be revoked in less than 1 hour.");
  // A hostile name cannot end the line or forge another.
  CHECK(InactivityMessage("a\nAPI Token forged", id, 0, kDay, kDay, "day") ==
        "API Token a\\nAPI Token forged (ID " + id +
            ") has not been used for 0 days and will be revoked in less than 1 day.");
}

ExpiringTokenNotice InactiveNotice() {
  ExpiringTokenNotice notice;
  notice.kind = NoticeKind::kInactive;
  notice.token_id = "8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e";
  notice.token_name = "ci \"bot\"";
  notice.expires_at = kNow + 100 * kDay;
  notice.slices_left = 7;
  notice.idle_days = 83;
  notice.revoke_after = kNow + 6 * kDay + absl::Hours(1);
  notice.message = "API Token ci \"bot\" (ID …) has not been used for 83 days …";
  return notice;
}

TEST_CASE("an inactivity record says its kind, idle days, last use and revocation time",
          "[notifier][inactivity][token_jobs]") {
  ExpiringTokenNotice notice = InactiveNotice();
  nlohmann::json record = NoticeJson(notice, kNow, "day");
  CHECK(record.at("event") == "token_inactive");
  CHECK(record.at("kind") == "inactive");
  CHECK(record.at("token_name") == "ci \"bot\"");
  CHECK(record.at("remaining") == 7);
  CHECK(record.at("idle_days") == 83);
  CHECK(record.at("last_used_at").is_null());
  CHECK(record.at("revoke_after") == "2023-11-20T23:13:20Z");
  CHECK(record.at("expires_at") == "2024-02-22T22:13:20Z");
  CHECK_FALSE(record.contains("how_to_rotate"));
  CHECK(nlohmann::json::parse(NoticeJsonLine(notice, "2023-11-14T22:13:20Z", "day")) == record);

  notice.last_used_at = kNow - 83 * kDay;
  record = NoticeJson(notice, kNow, "day");
  CHECK(record.at("last_used_at") == "2023-08-23T22:13:20Z");
  CHECK(nlohmann::json::parse(NoticeJsonLine(notice, "2023-11-14T22:13:20Z", "day")) == record);
}

TEST_CASE("an expiry record keeps its fields and adds its kind and how to rotate",
          "[notifier][token_jobs]") {
  ExpiringTokenNotice notice;
  notice.token_id = "8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e";
  notice.token_name = "deploy";
  notice.expires_at = kNow + absl::Hours(30);
  notice.slices_left = 2;
  notice.message =
      "API Token deploy (ID 8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e) will expire in "
      "less than 2 days.";
  const nlohmann::json record = NoticeJson(notice, kNow, "day");
  for (const char* field :
       {"event", "time", "token_id", "token_name", "expires_at", "remaining", "slice", "message"}) {
    CHECK(record.contains(field));
  }
  CHECK(record.at("event") == "token_expiring");
  CHECK(record.at("kind") == "expiring");
  CHECK(record.at("how_to_rotate") ==
        "wardenctl token rotate 8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e");
  CHECK_FALSE(record.contains("idle_days"));
  // The log line (SPEC §5's exact form) is unchanged: no hint in the message.
  CHECK(record.at("message") == notice.message);
  CHECK(nlohmann::json::parse(NoticeJsonLine(notice, "2023-11-14T22:13:20Z", "day")) == record);
}

TEST_CASE("a webhook run of inactivity notices says they will be revoked",
          "[notifier][webhook][token_jobs]") {
  WebhookOptions options;
  options.url = "http://127.0.0.1:1/unused";
  WebhookSink sink(options);
  sink.BeginRun(kNow);
  sink.Emit({kNow, "day", {InactiveNotice()}});
  RunSummary summary{kNow, 7 * kDay, 1, true};
  summary.kind = NoticeKind::kInactive;
  const nlohmann::json body = nlohmann::json::parse(sink.BodyForTesting(summary));
  CHECK(body.at("event") == "token_inactivity_summary");
  CHECK(absl::StartsWith(body.at("text").get<std::string>(),
                         "Warden: 1 API token will be revoked for inactivity within 168h unless "
                         "used.\nAPI Token ci \"bot\""));
  REQUIRE(body.at("tokens").size() == 1);
  CHECK(body.at("tokens")[0].at("kind") == "inactive");
}

TEST_CASE(
    "a retention run goes on after a full batch, from its last row, and stops after a "
    "short one",
    "[notifier][retention][token_jobs]") {
  storage::PurgeBatch full;
  full.deleted = 1000;
  full.last = storage::PurgeCursor{kNow - 31 * kDay, "8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e"};
  CHECK(ExpiredTokenPurger::NextBatchAfter(full, 1000) == full.last);
  storage::PurgeBatch short_batch = full;
  short_batch.deleted = 999;
  CHECK_FALSE(ExpiredTokenPurger::NextBatchAfter(short_batch, 1000).has_value());
  CHECK_FALSE(ExpiredTokenPurger::NextBatchAfter(storage::PurgeBatch{}, 1000).has_value());
}

}  // namespace
}  // namespace warden::notifier
