// The login session file and the credentials files, on temporary files.

#include "client/wardenctl/config_file.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "client/credentials.h"
#include "client/wardenctl/secret_io.h"
#include "tests/cli/wardenctl_runner.h"

namespace warden::cli {
namespace {

using ::warden::testing::FileMode;
using ::warden::testing::ReadWholeFile;

class TempDir final {
 public:
  TempDir() {
    char dir[] = "/tmp/wardenctl-unit-XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    path_ = dir;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) {
    std::ofstream(path_ + "/" + name) << content;
    return path_ + "/" + name;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_CASE("the session file lives under XDG_CONFIG_HOME, else ~/.config") {
  CHECK(*ConfigPath("/x", "/home/u") == "/x/warden/config.json");
  CHECK(*ConfigPath("", "/home/u") == "/home/u/.config/warden/config.json");
  CHECK(ConfigPath("", "").status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("a saved session reads back with directory 0700, file 0600") {
  TempDir dir;
  std::string path = dir.path() + "/config/warden/config.json";
  CHECK(LoadSessionConfig(path)->has_value() == false);
  SessionConfig config{.endpoint = "h:1",
                       .use_tls = true,
                       .ca_file = "/ca.pem",
                       .tls_server_name = "warden",
                       .cert_file = "/cert.pem",
                       .key_file = "/key.pem",
                       .insecure_plaintext = true,
                       .token = "secret-token",
                       .token_id = "id-1",
                       .expiration = "2030-01-01T00:00:00Z"};
  REQUIRE(SaveSessionConfig(path, config).ok());
  CHECK(FileMode(path) == 0600);
  CHECK(FileMode(dir.path() + "/config/warden") == 0700);
  auto loaded = LoadSessionConfig(path);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->has_value());
  CHECK((*loaded)->endpoint == "h:1");
  CHECK((*loaded)->use_tls);
  CHECK((*loaded)->ca_file == "/ca.pem");
  CHECK((*loaded)->tls_server_name == "warden");
  CHECK((*loaded)->cert_file == "/cert.pem");
  CHECK((*loaded)->key_file == "/key.pem");
  CHECK((*loaded)->insecure_plaintext);
  CHECK((*loaded)->token == "secret-token");
  CHECK((*loaded)->token_id == "id-1");
  config.token = "second";
  REQUIRE(SaveSessionConfig(path, config).ok());  // replaces it
  CHECK((*LoadSessionConfig(path))->token == "second");
  // No temporary files are left next to it.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path() + "/config/warden"),
                      std::filesystem::directory_iterator()) == 1);
  REQUIRE(RemoveSessionConfig(path).ok());
  CHECK(RemoveSessionConfig(path).ok());
  CHECK_FALSE(LoadSessionConfig(path)->has_value());
}

TEST_CASE("a session file that is not JSON is an error that does not quote it") {
  TempDir dir;
  std::string path = dir.Write("config.json", "not json secret-ish");
  auto loaded = LoadSessionConfig(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(std::string(loaded.status().message()).find("secret") == std::string::npos);
}

TEST_CASE("a session file of the wrong shape is an error naming the file and the field") {
  TempDir dir;
  struct Case {
    std::string content;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {R"({"tls": "yes"})", "has field \"tls\" of type string; it must be true or false"},
      {R"({"tls": 1})", "has field \"tls\" of type number; it must be true or false"},
      {R"({"insecure_plaintext": "true"})", "field \"insecure_plaintext\" of type string"},
      {R"({"endpoint": 8443})", "has field \"endpoint\" of type number; it must be a string"},
      {R"({"token": true, "x": "secret"})", "field \"token\" of type boolean"},
      {R"({"token_id": ["secret"]})", "field \"token_id\" of type array"},
      {R"({"expiration": {}})", "field \"expiration\" of type object"},
      {R"({"ca_file": null})", "field \"ca_file\" of type null"},
      {R"({"tls_server_name": 1.5})", "field \"tls_server_name\" of type number"},
      {R"({"cert_file": false})", "field \"cert_file\" of type boolean"},
      {R"({"key_file": 0})", "field \"key_file\" of type number"},
      {R"(["secret"])", "is not a JSON object"},
      {R"("secret")", "is not a JSON object"},
      {"42", "is not a JSON object"},
      {R"({"token": "secret)", "is not valid JSON"},
      {"", "is not valid JSON"},
  };
  for (const Case& c : cases) {
    const std::string path = dir.Write("config.json", c.content);
    absl::StatusOr<std::optional<SessionConfig>> loaded = LoadSessionConfig(path);
    INFO(c.content << " -> " << loaded.status());
    REQUIRE_FALSE(loaded.ok());
    const std::string message(loaded.status().message());
    CHECK(loaded.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(message.rfind(path + " ", 0) == 0);
    CHECK(message.find(c.problem) != std::string::npos);
    CHECK(message.find("; fix it or run `wardenctl login` again") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.find("secret") == std::string::npos);
  }
  // Fields this wardenctl does not know are left alone (a newer one may have written them).
  auto unknown = LoadSessionConfig(dir.Write("config.json", R"({"endpoint": "h:1", "color": 7})"));
  REQUIRE(unknown.ok());
  CHECK((*unknown)->endpoint == "h:1");
}

TEST_CASE("PrivateFileWriter writes 0600 files atomically, or leaves nothing") {
  TempDir dir;
  std::string path = dir.path() + "/token";
  {
    auto writer = PrivateFileWriter::Open(path);
    REQUIRE(writer.ok());
    CHECK_FALSE(std::filesystem::exists(path));  // nothing until Commit
    REQUIRE((*writer)->Commit("abc\n").ok());
  }
  CHECK(ReadWholeFile(path) == "abc\n");
  CHECK(FileMode(path) == 0600);
  { REQUIRE(PrivateFileWriter::Open(dir.path() + "/abandoned").ok()); }
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 1);
  CHECK_FALSE(PrivateFileWriter::Open(dir.path() + "/missing/token").ok());
  CHECK_FALSE(PrivateFileWriter::Open(dir.path()).ok());  // a directory
}

TEST_CASE("secret files lose their line endings and empty ones are refused") {
  TempDir dir;
  CHECK(*ReadSecretFile(dir.Write("pw", "hunter2\r\n")) == "hunter2");
  CHECK(ReadSecretFile(dir.Write("empty", "\n")).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK_FALSE(ReadSecretFile(dir.path() + "/missing").ok());
}

TEST_CASE("credentials become the authorization header, and never say the secret") {
  TempDir dir;
  CHECK(Credentials().empty());
  CHECK(Credentials().kind() == "none");
  CHECK(Credentials::BearerToken("t0k").authorization() == "Bearer t0k");
  Credentials admin = Credentials::AdminPassword("pw");
  CHECK(admin.authorization() == "Basic YWRtaW46cHc=");  // admin:pw
  CHECK(admin.kind() == "admin password");
  auto from_file = Credentials::FromTokenFile(dir.Write("token", "  t0k\n"));
  REQUIRE(from_file.ok());
  CHECK(from_file->authorization() == "Bearer t0k");
  CHECK(Credentials::FromTokenFile(dir.Write("blank", "\n")).status().code() ==
        absl::StatusCode::kInvalidArgument);
  auto missing = Credentials::FromTokenFile(dir.path() + "/missing");
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(missing.status().message()).find(dir.path() + "/missing") != std::string::npos);
}

}  // namespace
}  // namespace warden::cli
