#pragma once

#include <memory>
#include <string>

namespace warden::testing {

// A tmpfs of a few megabytes on a new directory under /tmp, to run out of disk space for
// real: a PostgreSQL tablespace placed there fails with SQLSTATE 53100 (disk_full) once
// Fill() has taken the rest. Mounting needs root (CI runs the tests as root); Mount says
// why when it cannot. Unmounted (and its directory removed) on destruction.
// Not thread-safe: one thread owns it.
class SmallFilesystem final {
 public:
  // Mounts `megabytes` of tmpfs whose root directory belongs to `owner` (a user name, e.g.
  // the `postgres` user that must write a tablespace there). On failure returns null and
  // sets `*why`.
  static std::unique_ptr<SmallFilesystem> Mount(int megabytes, const std::string& owner,
                                                std::string* why);
  ~SmallFilesystem();

  SmallFilesystem(const SmallFilesystem&) = delete;
  SmallFilesystem& operator=(const SmallFilesystem&) = delete;

  // The mount point; its subdirectory `data` is owned by `owner` (tablespace location).
  const std::string& path() const { return path_; }
  std::string data_dir() const { return path_ + "/data"; }

  // Takes every free byte with a filler file (till ENOSPC).
  void Fill();
  // Removes the filler: the space is free again.
  void Free();

 private:
  explicit SmallFilesystem(std::string path) : path_(std::move(path)) {}

  const std::string path_;
};

}  // namespace warden::testing
