#include "tests/e2e/small_filesystem.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"

namespace warden::testing {

std::unique_ptr<SmallFilesystem> SmallFilesystem::Mount(int megabytes, const std::string& owner,
                                                        std::string* why) {
  const passwd* user = getpwnam(owner.c_str());
  if (user == nullptr) {
    *why = absl::StrCat("no user ", owner);
    return nullptr;
  }
  char dir[] = "/tmp/warden-small-fs-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    *why = absl::StrCat("mkdtemp: ", std::strerror(errno));
    return nullptr;
  }
  const std::string options = absl::StrCat("size=", megabytes, "m,mode=0755");
  if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    *why = absl::StrCat("mount -t tmpfs ", dir, ": ", std::strerror(errno),
                        " (needs root with CAP_SYS_ADMIN)");
    rmdir(dir);
    return nullptr;
  }
  std::unique_ptr<SmallFilesystem> fs(new SmallFilesystem(dir));
  const std::string data = fs->data_dir();
  if (mkdir(data.c_str(), 0700) != 0 || chown(data.c_str(), user->pw_uid, user->pw_gid) != 0) {
    *why = absl::StrCat("preparing ", data, ": ", std::strerror(errno));
    return nullptr;  // the destructor unmounts
  }
  return fs;
}

SmallFilesystem::~SmallFilesystem() {
  // Lazy: a PostgreSQL still holding files there must not keep the mount alive forever.
  umount2(path_.c_str(), MNT_DETACH);
  rmdir(path_.c_str());
}

void SmallFilesystem::Fill() {
  const std::string filler = path_ + "/filler";
  int fd = open(filler.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  REQUIRE(fd >= 0);
  // A write that does not fit writes what does; the next one fails with ENOSPC.
  std::vector<char> zeros(1 << 20, 0);
  ssize_t written = 0;
  do {
    written = write(fd, zeros.data(), zeros.size());
  } while (written > 0);
  REQUIRE(errno == ENOSPC);
  close(fd);
}

void SmallFilesystem::Free() {
  std::error_code ignored;
  std::filesystem::remove(path_ + "/filler", ignored);
}

}  // namespace warden::testing
