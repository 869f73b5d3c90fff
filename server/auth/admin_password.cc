#include "server/auth/admin_password.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/random.h"

namespace warden {
namespace {

std::string Sha256(absl::string_view s) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

absl::Status WriteNewPassword(const std::string& path) {
  std::string password = absl::WebSafeBase64Escape(RandomBytes(24));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create admin password file ", path, ": ", std::strerror(errno)));
  }
  std::string content = password + "\n";
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AdminPassword> AdminPassword::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read admin password file ", path, ": ", std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string password = buffer.str();
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  if (password.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("admin password file ", path, " is empty"));
  }
  return FromPlaintext(password);
}

absl::StatusOr<AdminPassword> AdminPassword::LoadOrCreateFile(const std::string& path,
                                                              bool* created) {
  *created = false;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    absl::Status written = WriteNewPassword(path);
    if (!written.ok()) return written;
    *created = true;
  }
  return LoadFile(path);
}

AdminPassword AdminPassword::FromPlaintext(absl::string_view password) {
  return AdminPassword(Sha256(password));
}

bool AdminPassword::Matches(absl::string_view candidate) const {
  std::string digest = Sha256(candidate);
  return CRYPTO_memcmp(digest.data(), digest_.data(), digest_.size()) == 0;
}

}  // namespace warden
