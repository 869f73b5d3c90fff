#include "validation/jose/key_files.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/status_macros.h"

namespace warden::jose {
namespace {

constexpr char kDevKeyFileName[] = "signing-key.pem";

absl::Status ErrnoError(int error, absl::string_view what, absl::string_view path) {
  return absl::ErrnoToStatus(error, absl::StrCat(what, " ", path));
}

// mkdir -p with mode 0700 for every directory it creates.
absl::Status MakeDirectories(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(absl::StrCat("data dir ", dir, " is not a directory"));
    }
    return absl::OkStatus();
  }
  if (errno != ENOENT) return ErrnoError(errno, "cannot stat data dir", dir);
  const size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    RETURN_IF_ERROR(MakeDirectories(dir.substr(0, slash)));
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoError(errno, "cannot create data dir", dir);
  }
  return absl::OkStatus();
}

absl::Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status FsyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "cannot open data dir", dir);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError(error, "cannot fsync data dir", dir);
  return absl::OkStatus();
}

// Writes `pem` to a fresh temp file next to `path` and moves it into place unless `path`
// already exists. Returns true if this call created `path`, false if another writer won.
absl::StatusOr<bool> PublishNewFile(const std::string& dir, const std::string& path,
                                    std::string pem) {
  const std::string temp =
      absl::StrCat(dir, "/.", kDevKeyFileName, ".tmp-", absl::BytesToHexString(RandomBytes(8)));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError(errno, "cannot create", temp);
  absl::Status status = WriteAll(fd, pem, temp);
  OPENSSL_cleanse(pem.data(), pem.size());
  // The umask may have narrowed the mode; make it exactly 0600 before the file is visible.
  if (status.ok() && ::fchmod(fd, 0600) != 0) status = ErrnoError(errno, "cannot chmod", temp);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoError(errno, "cannot fsync", temp);
  if (::close(fd) != 0 && status.ok()) status = ErrnoError(errno, "cannot close", temp);
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  bool created = true;
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
    const int error = errno;
    if (error == EEXIST) {
      created = false;  // Another process got there first: use its key, not ours.
    } else if (error == EINVAL || error == ENOSYS) {
      // The filesystem cannot refuse to replace; fall back to a plain atomic rename.
      if (::rename(temp.c_str(), path.c_str()) != 0) {
        status = ErrnoError(errno, "cannot rename into place", path);
      }
    } else {
      status = ErrnoError(error, "cannot rename into place", path);
    }
    if (!created || !status.ok()) ::unlink(temp.c_str());
  }
  RETURN_IF_ERROR(status);
  if (created) RETURN_IF_ERROR(FsyncDirectory(dir));
  return created;
}

absl::StatusOr<std::shared_ptr<const SigningKey>> LoadExistingDevKey(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoError(errno, "cannot stat", path);
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("signing key file ", path, " is accessible by group or others; chmod 600 it"));
  }
  ASSIGN_OR_RETURN(auto key, SigningKey::LoadFile(path));
  if (!key->can_sign()) {
    return absl::FailedPreconditionError(
        absl::StrCat("signing key file ", path, " holds a public key; a private key is needed"));
  }
  return key;
}

}  // namespace

absl::StatusOr<KeyRing> LoadKeyRing(const std::vector<std::string>& pem_paths) {
  if (pem_paths.empty()) return absl::InvalidArgumentError("no signing key files given");
  std::vector<std::shared_ptr<const SigningKey>> keys;
  keys.reserve(pem_paths.size());
  for (size_t i = 0; i < pem_paths.size(); ++i) {
    ASSIGN_OR_RETURN(auto key, SigningKey::LoadFile(pem_paths[i]));
    if (i == 0 && !key->can_sign()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "signing key file ", pem_paths[i],
          " holds a public key; the first key file signs new tokens and needs a private key"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (keys[j]->kid() == key->kid()) {
        return absl::InvalidArgumentError(absl::StrCat("signing key files ", pem_paths[j], " and ",
                                                       pem_paths[i], " hold the same key"));
      }
    }
    keys.push_back(std::move(key));
  }
  return KeyRing::Create(std::move(keys));
}

absl::StatusOr<std::shared_ptr<const SigningKey>> LoadOrCreateDevKey(const std::string& data_dir,
                                                                     bool* created) {
  if (created != nullptr) *created = false;
  if (data_dir.empty()) return absl::InvalidArgumentError("data dir is empty");
  RETURN_IF_ERROR(MakeDirectories(data_dir));
  const std::string path = absl::StrCat(data_dir, "/", kDevKeyFileName);
  if (::access(path.c_str(), F_OK) == 0) return LoadExistingDevKey(path);
  if (errno != ENOENT) return ErrnoError(errno, "cannot access", path);

  std::shared_ptr<const SigningKey> key = SigningKey::Generate(JwsAlgorithm::kEs256);
  ASSIGN_OR_RETURN(const bool published, PublishNewFile(data_dir, path, key->PrivateKeyPem()));
  if (!published) return LoadExistingDevKey(path);
  if (created != nullptr) *created = true;
  return key;
}

}  // namespace warden::jose
