// Table and field alignment, cleaning, timestamps and the JSON mapping.

#include "client/wardenctl/output.h"

#include <catch2/catch.hpp>

#include "warden/v1/token.pb.h"

namespace warden::cli {
namespace {

TEST_CASE("tables align columns under their headers, without trailing spaces") {
  Table table({"ID", "NAME", "ROLES"});
  CHECK(table.empty());
  table.AddRow({"1", "a long name", "Admin"});
  table.AddRow({"22", "b", ""});
  CHECK_FALSE(table.empty());
  CHECK(table.Render() ==
        "ID   NAME          ROLES\n"
        "1    a long name   Admin\n"
        "22   b             \n");
}

TEST_CASE("table widths count characters, not bytes") {
  Table table({"NAME", "X"});
  table.AddRow({"crème brûlée", "1"});  // 12 characters, 14 bytes
  table.AddRow({"plain", "2"});
  CHECK(table.Render() ==
        "NAME           X\n"
        "crème brûlée   1\n"
        "plain          2\n");
}

TEST_CASE("control characters in cells cannot break rows or drive the terminal") {
  Table table({"NAME"});
  table.AddRow({"evil\nID\x1b[2J\t"});
  CHECK(table.Render() == "NAME\nevil?ID?[2J?\n");
  CHECK(RenderFields({{"NAME", "a\rb"}}) == "NAME   a?b\n");
}

TEST_CASE("fields align their keys and an empty value leaves the key alone") {
  CHECK(RenderFields({{"ID", "1"}, {"CREATED BY", "user:admin"}, {"EMPTY", ""}}) ==
        "ID           1\n"
        "CREATED BY   user:admin\n"
        "EMPTY\n");
}

TEST_CASE("timestamps print as RFC 3339 UTC seconds, unset ones as a placeholder") {
  google::protobuf::Timestamp timestamp;
  CHECK(FormatTimestamp(timestamp) == "-");
  CHECK(FormatTimestamp(timestamp, "never") == "never");
  timestamp.set_seconds(1893456000);  // 2030-01-01
  timestamp.set_nanos(500);
  CHECK(FormatTimestamp(timestamp) == "2030-01-01T00:00:00Z");
}

TEST_CASE("time left prints its two largest units, rounded down") {
  CHECK(FormatTimeLeft(absl::Hours(28) + absl::Minutes(59)) == "1d 4h");
  CHECK(FormatTimeLeft(absl::Hours(3) + absl::Minutes(12) + absl::Seconds(59)) == "3h 12m");
  CHECK(FormatTimeLeft(absl::Minutes(45) + absl::Seconds(30)) == "45m");
  CHECK(FormatTimeLeft(absl::Hours(168)) == "7d 0h");
  CHECK(FormatTimeLeft(absl::Hours(2)) == "2h 0m");
  CHECK(FormatTimeLeft(absl::Hours(24) - absl::Seconds(1)) == "23h 59m");
  CHECK(FormatTimeLeft(absl::Minutes(1)) == "1m");
  CHECK(FormatTimeLeft(absl::Seconds(59)) == "<1m");
  CHECK(FormatTimeLeft(absl::Milliseconds(1)) == "<1m");
  CHECK(FormatTimeLeft(absl::ZeroDuration()) == "0m");
  CHECK(FormatTimeLeft(-absl::Hours(1)) == "0m");
  CHECK(FormatTimeLeft(absl::Hours(8760)) == "365d 0h");
}

TEST_CASE("JSON output is the protobuf JSON mapping with every field present") {
  v1::GenerateTokenResponse response;
  response.mutable_metadata()->set_id("id-1");
  response.mutable_metadata()->set_created_by("user:admin");
  response.mutable_metadata()->add_roles("Analyst");
  response.mutable_metadata()->mutable_expiration()->set_seconds(1893456000);
  std::string json = ToJson(response);
  CHECK(json.back() == '\n');
  CHECK(json.find("\"createdBy\": \"user:admin\"") != std::string::npos);
  CHECK(json.find("\"expiration\": \"2030-01-01T00:00:00Z\"") != std::string::npos);
  CHECK(json.find("\"revoked\": false") != std::string::npos);
  CHECK(json.find("\"token\": \"\"") != std::string::npos);
  CHECK(json.find("\"roles\": [\n") != std::string::npos);
  // Two-space indentation, fields in the message's order.
  CHECK(json.rfind("{\n  \"token\": \"\",\n  \"metadata\": {\n    \"id\": \"id-1\",", 0) == 0);
}

TEST_CASE("access levels have short names") {
  CHECK(AccessLevelName(v1::ACCESS_LEVEL_READ_ACCESS) == "read");
  CHECK(AccessLevelName(v1::ACCESS_LEVEL_READ_WRITE_ACCESS) == "read-write");
  CHECK(AccessLevelName(v1::ACCESS_LEVEL_NO_ACCESS) == "none");
}

}  // namespace
}  // namespace warden::cli
