// Warden's JWTs against an independent JOSE implementation (PyJWT on `cryptography`), for each
// algorithm, in both directions: what Warden mints PyJWT verifies, and what PyJWT signs with a
// Warden key Warden verifies. ES256 in both directions proves the raw r||s signature form
// (PyJWT's in Warden's low-S form).

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "validation/jose/base64url.h"
#include "validation/jose/ecdsa_signature.h"
#include "validation/jose/jwt.h"
#include "validation/jose/key_ring.h"
#include "validation/jose/signing_key.h"

extern char** environ;

namespace warden::jose {
namespace {

using Json = nlohmann::json;

constexpr char kIssuer[] = "https://warden.example.com";
constexpr char kAudience[] = "warden";

// A fresh directory under $TMPDIR, removed with its contents at scope exit.
class TempDir final {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/warden-interop-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& contents) const {
    const std::string path = path_ + "/" + name;
    std::ofstream(path) << contents;
    return path;
  }

 private:
  std::string path_;
};

struct ToolResult {
  int exit_code = -1;
  std::string out;
};

// Runs jwt_tool.py with `args` (no shell), returning its exit code and stdout. Its stderr goes
// to ours, so PyJWT's reasons show up in the test log.
ToolResult RunTool(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {WARDEN_INTEROP_PYTHON, WARDEN_JWT_TOOL};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (std::string& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);

  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  pid_t pid = 0;
  const int spawn_error = posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  ToolResult result;
  if (spawn_error != 0) {
    ::close(pipe_fds[0]);
    FAIL("cannot start " << WARDEN_INTEROP_PYTHON << ": error " << spawn_error);
  }
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0) result.out.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

VerifyOptions Options() {
  VerifyOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  return options;
}

JwsAlgorithm AnyAlgorithm() {
  return GENERATE(JwsAlgorithm::kEs256, JwsAlgorithm::kRs256, JwsAlgorithm::kEdDsa);
}

TEST_CASE("PyJWT verifies tokens Warden signs", "[interop]") {
  const JwsAlgorithm alg = AnyAlgorithm();
  const std::string alg_name(AlgorithmName(alg));
  CAPTURE(alg_name);
  TempDir dir;
  const auto key = SigningKey::Generate(alg);
  // PyJWT checks times against the wall clock, so the token must be valid now.
  const absl::Time now = absl::Now();
  JwtClaims claims;
  claims.issuer = kIssuer;
  claims.audience = {"other-service", kAudience};
  claims.id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  claims.issued_at = now - absl::Seconds(5);
  claims.not_before = now - absl::Seconds(5);
  claims.expires_at = now + absl::Hours(1);
  claims.name = "interop \xe2\x9c\x93";
  claims.roles = {"Admin", "Continuous Integration"};
  const auto token = SignJwt(*key, claims);
  REQUIRE(token.ok());
  const std::string public_pem = dir.Write("public.pem", key->PublicKeyPem());
  const std::string token_path = dir.Write("token.jwt", *token);

  const ToolResult verified =
      RunTool({"verify", alg_name, public_pem, token_path, kIssuer, kAudience});
  REQUIRE(verified.exit_code == 0);
  const Json out = Json::parse(verified.out);
  CHECK(out["header"]["alg"] == alg_name);
  CHECK(out["header"]["kid"] == key->kid());
  CHECK(out["claims"]["jti"] == claims.id);
  CHECK(out["claims"]["name"] == claims.name);
  CHECK(out["claims"]["roles"] == Json(claims.roles));
  CHECK(out["claims"]["exp"] == absl::ToUnixSeconds(claims.expires_at));

  SECTION("and rejects them when tampered, the wrong issuer or the wrong audience") {
    std::vector<std::string> parts = absl::StrSplit(*token, '.');
    Json payload = Json::parse(*Base64UrlDecode(parts[1]));
    payload["roles"] = {"Admin", "Admin"};
    parts[1] = Base64UrlEncode(payload.dump());
    const std::string tampered = dir.Write("tampered.jwt", absl::StrJoin(parts, "."));
    CHECK(RunTool({"verify", alg_name, public_pem, tampered, kIssuer, kAudience}).exit_code == 1);
    CHECK(RunTool({"verify", alg_name, public_pem, token_path, "https://evil", kAudience})
              .exit_code == 1);
    CHECK(RunTool({"verify", alg_name, public_pem, token_path, kIssuer, "nobody"}).exit_code == 1);
  }
}

TEST_CASE("Warden verifies tokens PyJWT signs with a Warden key", "[interop]") {
  const JwsAlgorithm alg = AnyAlgorithm();
  const std::string alg_name(AlgorithmName(alg));
  CAPTURE(alg_name);
  TempDir dir;
  const auto key = SigningKey::Generate(alg);
  const auto ring = KeyRing::Create({key});
  REQUIRE(ring.ok());
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  const Json claims = {{"iss", kIssuer},
                       {"aud", {kAudience}},
                       {"jti", "7d444840-9dc0-11d1-b245-5ffdce74fad2"},
                       {"iat", 1'700'000'000 - 60},
                       {"nbf", 1'700'000'000 - 60},
                       {"exp", 1'700'000'000 + 3600},
                       {"name", "made by PyJWT"},
                       {"roles", {"Analyst"}}};
  const ToolResult signed_token =
      RunTool({"sign", alg_name, dir.Write("private.pem", key->PrivateKeyPem()), key->kid(),
               dir.Write("claims.json", claims.dump())});
  REQUIRE(signed_token.exit_code == 0);
  std::string token(absl::StripAsciiWhitespace(signed_token.out));
  if (alg == JwsAlgorithm::kEs256) {  // PyJWT's ES256 is raw r||s, 64 bytes.
    const std::vector<std::string> parts = absl::StrSplit(token, '.');
    REQUIRE(parts.size() == 3);
    const std::optional<std::string> signature = Base64UrlDecode(parts[2]);
    REQUIRE(signature->size() == 64);
    // PyJWT leaves s as OpenSSL made it, above n/2 half of the time; Warden accepts only the
    // low-S form of its own tokens (ecdsa_signature.h), which is the same signature mirrored.
    if (!Es256IsLowS(*signature)) {
      CHECK(VerifyJwt(*ring, token, Options(), now).status() ==
            absl::UnauthenticatedError("token signature is not in canonical low-S form"));
      token =
          absl::StrCat(parts[0], ".", parts[1], ".", Base64UrlEncode(*Es256NegateS(*signature)));
    }
  }

  const auto verified = VerifyJwt(*ring, token, Options(), now);
  REQUIRE(verified.ok());
  CHECK(verified->issuer == kIssuer);
  CHECK(verified->audience == std::vector<std::string>{kAudience});
  CHECK(verified->id == "7d444840-9dc0-11d1-b245-5ffdce74fad2");
  CHECK(verified->issued_at == now - absl::Seconds(60));
  CHECK(verified->expires_at == now + absl::Hours(1));
  CHECK(verified->name == "made by PyJWT");
  CHECK(verified->roles == std::vector<std::string>{"Analyst"});

  // The same token checked later than exp + leeway is refused: the times were read, not ignored.
  CHECK(VerifyJwt(*ring, token, Options(), now + absl::Hours(2)).status().code() ==
        absl::StatusCode::kUnauthenticated);
}

TEST_CASE("Warden's JWK and kid match PyJWT's JWK and an RFC 7638 thumbprint", "[interop]") {
  const JwsAlgorithm alg = AnyAlgorithm();
  CAPTURE(AlgorithmName(alg));
  TempDir dir;
  const auto key = SigningKey::Generate(alg);
  const ToolResult result = RunTool({"jwk", dir.Write("public.pem", key->PublicKeyPem())});
  REQUIRE(result.exit_code == 0);
  const Json out = Json::parse(result.out);
  CHECK(out["thumbprint"] == key->kid());
  const Json ours = key->PublicJwk();
  for (const char* member : {"kty", "crv", "x", "y", "n", "e"}) {
    CAPTURE(member);
    CHECK(ours.contains(member) == out["jwk"].contains(member));
    if (ours.contains(member)) CHECK(ours[member] == out["jwk"][member]);
  }
}

}  // namespace
}  // namespace warden::jose
