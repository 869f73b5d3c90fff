#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "declarative/declarative_config.h"

namespace warden {
namespace {

// A fresh directory under $TMPDIR, removed with its contents at scope exit.
class TempDir final {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/warden-decl-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST_CASE("LoadDeclarativeConfigFile parses the file and names its path in errors") {
  TempDir dir;
  const std::string good =
      WriteFile(dir.path() + "/roles.yaml", "roles:\n  - name: r\n    permissionSet: Analyst\n");
  auto config = LoadDeclarativeConfigFile(good);
  REQUIRE(config.ok());
  REQUIRE(config->roles.size() == 1);
  CHECK(config->roles[0].permission_set_name == "Analyst");

  const std::string bad = WriteFile(dir.path() + "/bad.yaml", "# c\nroles:\n  - name: r\n");
  auto error = LoadDeclarativeConfigFile(bad);
  CHECK(error.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(error.status().message() == bad + ":3: role \"r\": permissionSet is required");

  const std::string empty = WriteFile(dir.path() + "/empty.yaml", "");
  CHECK(LoadDeclarativeConfigFile(empty).ok());
}

TEST_CASE("an unreadable path is FAILED_PRECONDITION naming it") {
  TempDir dir;
  for (const std::string& path : {dir.path() + "/missing.yaml", dir.path()}) {
    INFO(path);
    auto config = LoadDeclarativeConfigFile(path);
    CHECK(config.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(absl::StrContains(config.status().message(), path));
  }
}

TEST_CASE("a file over 1 MiB is INVALID_ARGUMENT, even one that never ends") {
  TempDir dir;
  const std::string big =
      WriteFile(dir.path() + "/big.yaml", std::string(kMaxDeclarativeConfigBytes + 1, '#'));
  auto config = LoadDeclarativeConfigFile(big);
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(config.status().message() == big + ": is larger than 1048576 bytes");

  const std::string exact =
      WriteFile(dir.path() + "/exact.yaml", std::string(kMaxDeclarativeConfigBytes, '#'));
  CHECK(LoadDeclarativeConfigFile(exact).ok());

  CHECK(LoadDeclarativeConfigFile("/dev/zero").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace warden
