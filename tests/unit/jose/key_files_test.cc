#include "validation/jose/key_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"

namespace warden::jose {
namespace {

// A fresh directory under $TMPDIR, removed with its contents at scope exit.
class TempDir final {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/warden-jose-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string WriteFile(const std::string& path, const std::string& contents, mode_t mode = 0600) {
  std::ofstream(path) << contents;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

mode_t Mode(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("LoadKeyRing: first file signs, later public keys verify", "[key_files]") {
  TempDir dir;
  const auto signer = SigningKey::Generate(JwsAlgorithm::kEs256);
  const auto previous = SigningKey::Generate(JwsAlgorithm::kRs256);
  const std::string signer_path = WriteFile(dir.path() + "/new.pem", signer->PrivateKeyPem());
  const std::string previous_path =
      WriteFile(dir.path() + "/old.pub.pem", previous->PublicKeyPem());

  const auto ring = LoadKeyRing({signer_path, previous_path});
  REQUIRE(ring.ok());
  CHECK(ring->signer().kid() == signer->kid());
  REQUIRE(ring->Find(previous->kid()) != nullptr);
  CHECK_FALSE(ring->Find(previous->kid())->can_sign());
}

TEST_CASE("LoadKeyRing errors name the offending file", "[key_files]") {
  TempDir dir;
  const auto key = SigningKey::Generate(JwsAlgorithm::kEdDsa);
  const std::string private_path = WriteFile(dir.path() + "/a.pem", key->PrivateKeyPem());
  const std::string public_path = WriteFile(dir.path() + "/a.pub.pem", key->PublicKeyPem());
  const std::string garbage_path = WriteFile(dir.path() + "/garbage.pem", "not a key");

  CHECK(LoadKeyRing({}).status().code() == absl::StatusCode::kInvalidArgument);

  const auto public_first = LoadKeyRing({public_path, private_path});
  CHECK(public_first.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(absl::StrContains(public_first.status().message(), public_path));

  const auto twice = LoadKeyRing({private_path, public_path});
  CHECK(twice.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(absl::StrContains(twice.status().message(), public_path));

  const auto garbage = LoadKeyRing({private_path, garbage_path});
  CHECK(garbage.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(absl::StrContains(garbage.status().message(), garbage_path));

  const std::string missing_path = dir.path() + "/missing.pem";
  const auto missing = LoadKeyRing({private_path, missing_path});
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(absl::StrContains(missing.status().message(), missing_path));
}

TEST_CASE("LoadOrCreateDevKey creates a 0600 ES256 key once and reuses it", "[key_files]") {
  TempDir dir;
  const std::string data_dir = dir.path() + "/data/warden";
  bool created = false;
  const auto first = LoadOrCreateDevKey(data_dir, &created);
  REQUIRE(first.ok());
  CHECK(created);
  CHECK((*first)->algorithm() == JwsAlgorithm::kEs256);
  CHECK((*first)->can_sign());
  const std::string key_path = data_dir + "/signing-key.pem";
  CHECK(Mode(key_path) == 0600);
  CHECK(Mode(data_dir) == 0700);
  // Only the key file is left behind: the temp file was renamed, not copied.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    ++entries;
  }
  CHECK(entries == 1);

  const auto second = LoadOrCreateDevKey(data_dir, &created);
  REQUIRE(second.ok());
  CHECK_FALSE(created);
  CHECK((*second)->kid() == (*first)->kid());
  CHECK(LoadOrCreateDevKey(data_dir, nullptr).ok());
}

TEST_CASE("LoadOrCreateDevKey refuses unsafe or unusable existing files", "[key_files]") {
  TempDir dir;
  const std::string key_path = dir.path() + "/signing-key.pem";
  bool created = true;
  SECTION("readable by others") {
    WriteFile(key_path, SigningKey::Generate(JwsAlgorithm::kEs256)->PrivateKeyPem(), 0644);
    const auto key = LoadOrCreateDevKey(dir.path(), &created);
    CHECK(key.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(absl::StrContains(key.status().message(), key_path));
    CHECK_FALSE(created);
  }
  SECTION("public key only") {
    WriteFile(key_path, SigningKey::Generate(JwsAlgorithm::kEs256)->PublicKeyPem());
    CHECK(LoadOrCreateDevKey(dir.path(), &created).status().code() ==
          absl::StatusCode::kFailedPrecondition);
  }
  SECTION("data dir is a file") {
    const std::string file = WriteFile(dir.path() + "/file", "x");
    CHECK(LoadOrCreateDevKey(file, &created).status().code() ==
          absl::StatusCode::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace warden::jose
