#include "notifier/expiry_message.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "notifier/notice_json.h"

namespace warden::notifier {
namespace {

TEST_CASE("remaining time is rounded up to whole slices, at least one", "[notifier][message]") {
  const absl::Duration hour = absl::Hours(1);
  CHECK(SlicesLeft(absl::Minutes(110), hour) == 2);
  CHECK(SlicesLeft(absl::Minutes(50), hour) == 1);
  CHECK(SlicesLeft(absl::Hours(2), hour) == 2);
  CHECK(SlicesLeft(absl::Hours(2) + absl::Microseconds(1), hour) == 3);
  CHECK(SlicesLeft(absl::Microseconds(1), hour) == 1);
  CHECK(SlicesLeft(absl::ZeroDuration(), hour) == 1);
  CHECK(SlicesLeft(absl::Hours(167), absl::Hours(24)) == 7);
  CHECK(SlicesLeft(absl::Hours(23), absl::Hours(24)) == 1);
}

TEST_CASE("counts are singular only for one", "[notifier][message]") {
  CHECK(CountSlices(1, "day") == "1 day");
  CHECK(CountSlices(2, "day") == "2 days");
  CHECK(CountSlices(0, "hour") == "0 hours");
}

TEST_CASE("the message is exactly SPEC §5's", "[notifier][message]") {
  const char id[] = "8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e";
  CHECK(ExpiryMessage("ci", id, absl::Hours(30), absl::Hours(24), "day") ==
        "API Token ci (ID 8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e) will expire in less than 2 days.");
  CHECK(ExpiryMessage("ci", id, absl::Hours(3), absl::Hours(24), "day") ==
        "API Token ci (ID 8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e) will expire in less than 1 day.");
  CHECK(
      ExpiryMessage("a b", id, absl::Minutes(110), absl::Hours(1), "hour") ==
      "API Token a b (ID 8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e) will expire in less than 2 hours.");
  CHECK(ExpiryMessage("a b", id, absl::Minutes(50), absl::Hours(1), "hour") ==
        "API Token a b (ID 8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e) will expire in less than 1 hour.");
}

TEST_CASE("escaping keeps a name on one line and reads back unambiguously", "[notifier][message]") {
  CHECK(EscapeForLogLine("plain name") == "plain name");
  CHECK(EscapeForLogLine("say \"hi\" 'there'") == "say \"hi\" 'there'");
  CHECK(EscapeForLogLine("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(EscapeForLogLine("back\\slash\\n") == "back\\\\slash\\\\n");
  CHECK(EscapeForLogLine(std::string("nul\0byte", 8)) == "nul\\x00byte");
  CHECK(EscapeForLogLine("\x1b[2J\x7f") == "\\x1b[2J\\x7f");
  CHECK(EscapeForLogLine("ls\xe2\x80\xa8ps\xe2\x80\xa9nel\xc2\x85") ==
        "ls\\u2028ps\\u2029nel\\u0085");
  CHECK(EscapeForLogLine("caf\xc3\xa9 \xf0\x9f\x8e\x89") == "caf\xc3\xa9 \xf0\x9f\x8e\x89");
  // Not UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  CHECK(EscapeForLogLine("\x80") == "\\x80");
  CHECK(EscapeForLogLine("\xe2\x80") == "\\xe2\\x80");
  CHECK(EscapeForLogLine("\xc0\xaf") == "\\xc0\\xaf");
  CHECK(EscapeForLogLine("\xed\xa0\x80") == "\\xed\\xa0\\x80");
}

TEST_CASE("times are RFC 3339 in UTC", "[notifier][message]") {
  CHECK(FormatRfc3339(absl::FromUnixSeconds(1700000000)) == "2023-11-14T22:13:20Z");
  CHECK(FormatRfc3339(absl::FromUnixMicros(1700000000123456)) == "2023-11-14T22:13:20.123456Z");
}

TEST_CASE("a JSON record is one valid line whatever the name holds", "[notifier][message]") {
  ExpiringTokenNotice notice;
  notice.token_id = "8d3c7b5e-1f0a-4b2c-9d8e-7f6a5b4c3d2e";
  notice.token_name = "x\"}\n{\"event\":\"forged\"\x01 \xff";
  notice.expires_at = absl::FromUnixSeconds(1700003600);
  notice.slices_left = 1;
  notice.message = "m";
  const std::string line =
      DumpOneLine(NoticeJson(notice, absl::FromUnixSeconds(1700000000), "hour"));
  CHECK(line.find('\n') == std::string::npos);
  const nlohmann::json parsed = nlohmann::json::parse(line);
  CHECK(parsed.at("event") == "token_expiring");
  // Invalid UTF-8 becomes U+FFFD; everything else survives exactly.
  CHECK(parsed.at("token_name") == "x\"}\n{\"event\":\"forged\"\x01 \xef\xbf\xbd");
  CHECK(parsed.at("time") == "2023-11-14T22:13:20Z");
  CHECK(parsed.at("expires_at") == "2023-11-14T23:13:20Z");
  CHECK(parsed.at("remaining") == 1);
  CHECK(parsed.at("slice") == "hour");
  // The JSON log's hand-built line is the same record.
  const std::string fast = NoticeJsonLine(notice, "2023-11-14T22:13:20Z", "hour");
  CHECK(fast.find('\n') == std::string::npos);
  CHECK(nlohmann::json::parse(fast) == parsed);
}

}  // namespace
}  // namespace warden::notifier
