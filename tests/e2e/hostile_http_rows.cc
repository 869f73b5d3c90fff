// The HTTP column of the hostile table of hostile_input_test.cc: what reaches
// WARDEN_HTTP_LISTEN — bodies that are not what they claim, too big (plainly, chunked, or
// as a gzip bomb), too deep, with fields nobody asked for; credentials piled up; paths that
// try to climb; header blocks too long or too many. Each must get a clear 4xx.

#include <zlib.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/hostile_fixture.h"

namespace warden::testing {
namespace {

constexpr char kAuthStatus[] = "/warden.v1.AuthService/GetAuthStatus";
constexpr char kGenerate[] = "/warden.v1.TokenService/GenerateToken";

// `bytes` zero bytes, gzipped: about a thousandth of the size.
std::string GzipOfZeros(size_t bytes) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  const std::string zeros(1 << 20, '\0');
  std::string out;
  char buffer[1 << 16];
  for (size_t fed = 0; fed < bytes; fed += zeros.size()) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = static_cast<uInt>(zeros.size());
    const int flush = fed + zeros.size() >= bytes ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof(buffer);
      deflate(&z, flush);
      out.append(buffer, sizeof(buffer) - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

// `body` in chunked transfer coding, in chunks of 64 KB.
std::string Chunked(const std::string& body) {
  std::string out;
  for (size_t at = 0; at < body.size(); at += 1 << 16) {
    const std::string chunk = body.substr(at, 1 << 16);
    absl::StrAppend(&out, absl::Hex(chunk.size()), "\r\n", chunk, "\r\n");
  }
  return out + "0\r\n\r\n";
}

// A raw GET of `target` as sent, with `headers` (each line ending in \r\n).
std::string RawGet(const std::string& target, const std::string& headers = "") {
  return absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: warden\r\n", headers,
                      "Connection: close\r\n\r\n");
}

}  // namespace

std::vector<HostileHttpRow> HostileFixture::HttpRows() {
  const HttpClient http(server_.http_port());
  const int port = server_.http_port();
  const std::string admin = admin_;
  // Secrets that the log must not hold afterwards (hostile_input_test.cc checks them).
  v1::GenerateTokenResponse minted;
  REQUIRE(Generate("secret in a bad request", {"Analyst"}, &minted).ok());
  const std::string token = minted.token();
  const std::string json = "application/json";
  auto connect_json = [http, admin](const std::string& path, const std::string& body) {
    return http.Connect(path, "application/json", body, {admin});
  };
  // A JSON POST as admin with one more header field.
  auto post_with = [http, admin](const std::string& path, const std::string& name,
                                 const std::string& value, const std::string& body) {
    return http.Send(
        "POST", path,
        WithAuthorization(admin, {{"Content-Type", "application/json"}, {name, value}}), body);
  };
  std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
  std::string deep_generate =
      std::string(R"({"name":)") + std::string(10000, '[') + std::string(10000, ']') + "}";
  const std::string megabytes(2 << 20, 'Q');
  return {
      // Bodies.
      {"bad JSON", [=] { return connect_json(kGenerate, R"({"name":)"); }, 400},
      {"JSON that is an array", [=] { return connect_json(kAuthStatus, "[]"); }, 400},
      {"binary body that is not protobuf",
       [=] { return http.Connect(kGenerate, "application/proto", "\xff\xff\xff\xff", {admin}); },
       400},
      {"an unknown JSON field", [=] { return connect_json(kAuthStatus, R"({"bogus":1})"); }, 400},
      {"a token in an unknown JSON field",
       [=] {
         return connect_json("/warden.v1.AuthService/ValidateToken",
                             nlohmann::json{{"token", token}, {"tokn", token}}.dump());
       },
       400},
      {"bad JSON just after a token",
       [=] {
         return connect_json("/warden.v1.AuthService/ValidateToken",
                             R"({"token":")" + std::string(64, 'T') + R"(" "x"})");
       },
       400},
      {"a value of 1,000,000 characters where a time belongs",
       [=] {
         return connect_json(kGenerate,
                             R"({"name":"x","expiration":")" + std::string(1000000, 'T') + R"("})");
       },
       400},
      {"JSON nested 100,000 levels", [=] { return connect_json(kAuthStatus, deep_array); }, 400},
      {"StackRox generate nested 10,000 levels",
       [=] { return http.SendJson("POST", "/v1/apitokens/generate", deep_generate, admin); }, 400},
      {"StackRox generate of a body that is not JSON",
       [=] { return http.SendJson("POST", "/v1/apitokens/generate", "name=x", admin); }, 400},
      {"StackRox generate with roles that are not strings",
       [=] {
         return http.SendJson("POST", "/v1/apitokens/generate", R"({"name":"x","roles":[1]})",
                              admin);
       },
       400},
      {"Content-Type text/plain",
       [=] { return http.Connect(kAuthStatus, "text/plain", "{}", {admin}); }, 415},
      {"no Content-Type",
       [=] { return http.Send("POST", kAuthStatus, WithAuthorization(admin), "{}"); }, 415},
      {"JSON in Latin-1",
       [=] { return http.Connect(kAuthStatus, "application/json; charset=latin1", "{}", {admin}); },
       415},
      {"Connect-Protocol-Version 2",
       [=] { return post_with(kAuthStatus, "Connect-Protocol-Version", "2", "{}"); }, 400},
      {"Connect-Timeout-Ms not a number",
       [=] { return post_with(kAuthStatus, "Connect-Timeout-Ms", "soon", "{}"); }, 400},
      {"a 2 MB body", [=] { return connect_json(kGenerate, megabytes); }, 413},
      {"a 2 MB chunked body",
       [=] {
         return SendRaw(port,
                        absl::StrCat("POST ", kGenerate, " HTTP/1.1\r\nHost: warden\r\n",
                                     "Content-Type: application/json\r\n",
                                     "Transfer-Encoding: chunked\r\n\r\n", Chunked(megabytes)));
       },
       413, /*ends_connection=*/true},
      {"a gzip bomb: 200 KB that inflate to 256 MB",
       [=] { return post_with(kGenerate, "Content-Encoding", "gzip", GzipOfZeros(256 << 20)); },
       413},
      {"a gzip body that is not gzip",
       [=] { return post_with(kAuthStatus, "Content-Encoding", "gzip", "not gzip at all"); }, 400},
      // Credentials.
      {"two Authorization headers, a valid one first",
       [=] {
         return http.Connect(kAuthStatus, json, "{}", {admin, "Bearer x"});
       },
       401},
      {"50 Authorization headers, each of them valid",
       [=] { return http.Connect(kAuthStatus, json, "{}", std::vector<std::string>(50, admin)); },
       401},
      {"a wrong admin password",
       [=] {
         return http.Connect(kAuthStatus, json, "{}",
                             {BasicAuthorization("admin", "canary-password-7f3a")});
       },
       401},
      {"basic credentials of SQL",
       [=] {
         return http.Get("/v1/auth/status",
                         "Basic " + absl::Base64Escape(std::string("admin:") + kSqlInjection));
       },
       401},
      {"a bearer token of 1 MB",
       [=] {
         return SendRaw(port, RawGet("/v1/auth/status", "Authorization: Bearer " +
                                                            std::string(1 << 20, 'T') + "\r\n"));
       },
       400},
      // Paths.
      {"/v1/apitokens/../x", [=] { return SendRaw(port, RawGet("/v1/apitokens/../x")); }, 404},
      {"/v1/apitokens/%2e%2e",
       [=] {
         return SendRaw(port, RawGet("/v1/apitokens/%2e%2e", "Authorization: " + admin + "\r\n"));
       },
       400},
      {"/v1/apitokens/%2e%2e/%2e%2e/healthz",
       [=] { return SendRaw(port, RawGet("/v1/apitokens/%2e%2e/%2e%2e/healthz")); }, 404},
      {"/v1/apitokens/%00",
       [=] {
         return SendRaw(port, RawGet("/v1/apitokens/%00", "Authorization: " + admin + "\r\n"));
       },
       400},
      {"a Connect path with ../",
       [=] {
         return http.Connect("/warden.v1.TokenService/GenerateToken/../ListTokens", json, "{}",
                             {admin});
       },
       404},
      {"a method the service does not have",
       [=] { return connect_json("/warden.v1.TokenService/DropTables", "{}"); }, 404},
      {"GET on a Connect path", [=] { return http.Get(kAuthStatus, admin); }, 405},
      {"a path of 100 KB",
       [=] { return SendRaw(port, RawGet("/v1/apitokens/" + std::string(100000, 'a'))); }, 414},
      // Header blocks.
      {"10,000 header fields",
       [=] {
         std::string headers;
         for (int i = 0; i < 10000; ++i) absl::StrAppend(&headers, "X-Pile-", i, ": v\r\n");
         return SendRaw(port, RawGet("/healthz", headers));
       },
       431},
      {"a header line of 9 KB",
       [=] {
         return SendRaw(port, RawGet("/healthz", "X-Long: " + std::string(9000, 'v') + "\r\n"));
       },
       400},
      {"a method HTTP does not have",
       [=] { return SendRaw(port, "BREW /healthz HTTP/1.1\r\nHost: warden\r\n\r\n"); }, 400},
  };
}

}  // namespace warden::testing
