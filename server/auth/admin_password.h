#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace warden {

// The bootstrap admin user's password. Holds only a SHA-256 digest of it, and compares in
// constant time (the digests are compared, so the length of the password does not leak).
// Immutable; thread-safe.
class AdminPassword final {
 public:
  // Reads the password from `path` (trailing newlines removed). Errors name the path, never
  // the content. An empty password is refused.
  static absl::StatusOr<AdminPassword> LoadFile(const std::string& path);
  // Reads `path`, or if it does not exist writes a new random password there (mode 0600)
  // first. `*created` says which happened.
  static absl::StatusOr<AdminPassword> LoadOrCreateFile(const std::string& path, bool* created);
  static AdminPassword FromPlaintext(absl::string_view password);

  bool Matches(absl::string_view candidate) const;

 private:
  explicit AdminPassword(std::string digest) : digest_(std::move(digest)) {}
  std::string digest_;
};

}  // namespace warden
