// End to end: every unary warden.v1 method over both transports — gRPC and the Connect
// protocol on WARDEN_HTTP_LISTEN — with the same serialized request, the same caller and the
// same state: the same code (Connect's code name and HTTP status for it), the same message,
// and the same response once ids, tokens and instants are set aside (transport_rows.cc).
// Then what the transports share: audit records, metrics, rate limits and password lockout.

#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/prometheus_text.h"
#include "tests/e2e/transport_fixture.h"

namespace warden::testing {
namespace {

TEST_CASE("every unary method has a row in the HTTP transport table") {
  std::set<Method> covered;
  for (const TransportRow& row : TransportRows()) {
    if (row.expected == grpc::StatusCode::OK) covered.insert(row.method);
  }
  std::vector<std::string> missing;
  for (const MethodInfo& info : AllMethods()) {
    if (info.method == Method::kWatchRevocations) continue;  // a stream: not unary
    if (covered.count(info.method) == 0) missing.push_back(info.name);
  }
  INFO("methods without a row that answers OK in tests/e2e/transport_rows.cc: " << absl::StrJoin(
           missing, ", "));
  CHECK(missing.empty());
}

TEST_CASE_METHOD(TransportFixture,
                 "every unary RPC answers alike over gRPC and HTTP (Connect), counted by route") {
  std::map<std::string, int> http_calls;  // "route|status" -> calls made
  int rows = 0;
  for (const TransportRow& row : TransportRows()) {
    ++rows;
    INFO("row: " << Describe(row.method).name << ", " << row.what);
    const std::string bytes = row.request(*this)->SerializeAsString();
    const WireAnswer grpc = OverGrpc(row.method, bytes, row.caller);
    INFO("gRPC: " << static_cast<int>(grpc.code) << " " << grpc.message);
    CHECK(grpc.code == row.expected);
    if (row.expected == grpc::StatusCode::PERMISSION_DENIED) {
      CHECK_THAT(grpc.message, Catch::Contains("is not allowed: missing"));
    }
    for (const bool json : {false, true}) {
      if (json && !row.json) continue;
      INFO((json ? "Connect JSON" : "Connect binary"));
      const std::string again = row.request(*this)->SerializeAsString();
      HttpReply raw;
      const WireAnswer connect = OverConnect(row.method, again, row.caller, json, &raw);
      INFO("HTTP " << raw.status << " " << raw.body.substr(0, 400));
      ++http_calls[absl::StrCat(ConnectPathOf(row.method), "|", raw.status)];
      CHECK(raw.status == ConnectCodeOf(grpc.code).http_status);
      CHECK(connect.code == grpc.code);
      CHECK(connect.message == grpc.message);
      const bool ok = raw.status == 200;
      CHECK(raw.Header("content-type") == (ok && !json ? "application/proto" : "application/json"));
      CHECK(raw.Header("cache-control") == "no-store");
      CHECK(raw.Header("x-content-type-options") == "nosniff");
      if (!ok || grpc.response == nullptr) continue;
      NormaliseVolatile(grpc.response.get());
      NormaliseVolatile(connect.response.get());
      std::string differences;
      google::protobuf::util::MessageDifferencer differ;
      differ.ReportDifferencesToString(&differences);
      INFO("gRPC:    " << grpc.response->ShortDebugString());
      INFO("Connect: " << connect.response->ShortDebugString());
      CHECK(differ.Compare(*grpc.response, *connect.response));
      CHECK(differences == "");
    }
  }
  CHECK(rows >= 2 * static_cast<int>(AllMethods().size()));

  // The metrics port counted each of those HTTP requests under its route and status.
  const std::string metrics = ScrapeMetrics(metrics_port_);
  REQUIRE(!metrics.empty());
  for (const auto& [key, calls] : http_calls) {
    const std::vector<std::string> parts = absl::StrSplit(key, '|');
    const std::string series = absl::StrCat("warden_http_requests_total{route=\"", parts[0],
                                            "\",status=\"", parts[1], "\"}");
    INFO(series);
    CHECK(SampleValue(metrics, series) == calls);
  }
}

std::vector<nlohmann::json> AuditRecords(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<nlohmann::json> records;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n', absl::SkipEmpty())) {
    records.push_back(nlohmann::json::parse(line));
  }
  return records;
}

TEST_CASE("a mint and a revoke leave the same audit records over gRPC, Connect and StackRox") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()}});
  const std::string audit_path = server.data_dir() + "/audit.jsonl";
  server.SetEnv("WARDEN_AUDIT_LOG", audit_path);
  server.ServeHttp();
  server.Start();
  const std::string admin = server.AdminAuthorization();
  ApiClient api(server.channel());
  HttpClient http(server.http_port());
  const absl::Time expiration = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 86400);
  const std::string rfc3339 = absl::FormatTime(absl::RFC3339_sec, expiration, absl::UTCTimeZone());

  std::vector<std::string> ids;
  auto minted = api.Generate(admin, "audited", {"Analyst"}, expiration);
  REQUIRE(minted.ok());
  ids.push_back(minted.response.metadata().id());
  REQUIRE(api.Revoke(admin, ids.back()).ok());

  const std::string request =
      absl::StrCat(R"({"name":"audited","roles":["Analyst"],"expiration":")", rfc3339, R"("})");
  HttpReply connect =
      http.Connect("/warden.v1.TokenService/GenerateToken", "application/json", request, {admin});
  REQUIRE(connect.status == 200);
  ids.push_back(connect.Json()["metadata"]["id"]);
  REQUIRE(http.Connect("/warden.v1.TokenService/RevokeToken", "application/json",
                       nlohmann::json{{"id", ids.back()}}.dump(), {admin})
              .status == 200);

  HttpReply stackrox = http.SendJson("POST", "/v1/apitokens/generate", request, admin);
  REQUIRE(stackrox.status == 200);
  ids.push_back(stackrox.Json()["metadata"]["id"]);
  REQUIRE(
      http.Send("PATCH", "/v1/apitokens/revoke/" + ids.back(), WithAuthorization(admin)).status ==
      200);

  // The audit writer runs apart from the answers; a clean shutdown writes every record.
  REQUIRE(server.Stop() == 0);
  const std::vector<nlohmann::json> records = AuditRecords(audit_path);
  REQUIRE(records.size() == 6);
  for (size_t i = 0; i < records.size(); ++i) {
    INFO(records[i].dump());
    CHECK(records[i]["action"] == (i % 2 == 0 ? "token.create" : "token.revoke"));
    CHECK(records[i]["target"] == ids[i / 2]);
    nlohmann::json same = records[i];
    nlohmann::json first = records[i % 2];
    for (const char* apart : {"time", "target"}) {
      same.erase(apart);
      first.erase(apart);
    }
    CHECK(same == first);  // who, what, roles, name, expiration: as over gRPC
  }
  CHECK(records[0]["actor"] == "user:admin");
  CHECK(records[0]["roles"] == nlohmann::json::array({"Analyst"}));
}

TEST_CASE("the GenerateToken rate and the password lockout are shared by gRPC and HTTP") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()},
                        {"WARDEN_GENERATE_RATE_LIMIT", "0.0001"},
                        {"WARDEN_GENERATE_BURST", "3"},
                        {"WARDEN_AUTH_FAILURE_RATE_LIMIT", "0.0001"},
                        {"WARDEN_AUTH_FAILURE_BURST", "4"}});
  server.ServeHttp();
  server.Start();
  const std::string admin = server.AdminAuthorization();
  ApiClient api(server.channel());
  HttpClient http(server.http_port());
  const std::string mint = R"({"name":"budget","roles":["Analyst"]})";
  auto connect_mint = [&] {
    return http.Connect("/warden.v1.TokenService/GenerateToken", "application/json", mint, {admin});
  };

  // One budget of three mints, spent over both transports.
  REQUIRE(api.Generate(admin, "budget", {"Analyst"}).ok());
  REQUIRE(connect_mint().status == 200);
  REQUIRE(http.SendJson("POST", "/v1/apitokens/generate", mint, admin).status == 200);
  auto refused = api.Generate(admin, "budget", {"Analyst"});
  CHECK(refused.code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  HttpReply refused_http = connect_mint();
  CHECK(refused_http.status == 429);
  CHECK(refused_http.Json()["code"] == "resource_exhausted");
  CHECK(refused_http.Json()["message"] == refused.message());
  HttpReply refused_stackrox = http.SendJson("POST", "/v1/apitokens/generate", mint, admin);
  CHECK(refused_stackrox.status == 429);
  CHECK(refused_stackrox.Json()["code"] == 8);

  // Wrong admin passwords over HTTP spend the budget gRPC calls from this address share.
  for (int i = 0; i < 4; ++i) {
    HttpReply wrong = http.Connect("/warden.v1.AuthService/GetAuthStatus", "application/json", "{}",
                                   {BasicAuthorization("admin", "guess-" + std::to_string(i))});
    CHECK(wrong.status == 401);
  }
  auto locked = api.AuthStatus(admin);
  CHECK(locked.code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK_THAT(locked.message(), Catch::Contains("too many failed authentications"));
  HttpReply locked_http = http.Get("/v1/auth/status", admin);
  CHECK(locked_http.status == 429);
  CHECK(http.Get("/readyz").status == 200);  // health needs no credentials
  const std::string log = server.Log();
  CHECK_THAT(log, !Catch::Contains("guess-0"));
  CHECK_THAT(log, !Catch::Contains(server.admin_password()));
}

}  // namespace
}  // namespace warden::testing
