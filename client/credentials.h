#pragma once

#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace warden {

// What a client presents to Warden: nothing, a bearer token (a Warden API token), or the
// bootstrap admin's password (HTTP Basic). It is sent as the `authorization` header of
// every call. Holds the secret in memory; never prints, logs or compares it in a way that
// reveals it. Copyable; immutable once made.
class Credentials final {
 public:
  // No credentials (health and reflection need none; everything else does).
  Credentials() = default;

  // REQUIRES: `token` is the token string alone, without "Bearer ".
  static Credentials BearerToken(std::string token);
  // Reads a token from `path`: the file's content with surrounding whitespace removed.
  // Read once, here. NOT_FOUND / PERMISSION_DENIED if it cannot be read, INVALID_ARGUMENT
  // if it is empty. The message names the path, never the content.
  static absl::StatusOr<Credentials> FromTokenFile(const std::string& path);
  // HTTP Basic `user:password`. Warden's only Basic user is `admin`.
  static Credentials AdminPassword(std::string password, std::string user = "admin");

  bool empty() const { return authorization_.empty(); }
  // The `authorization` header value ("Bearer …" / "Basic …"), or empty for none.
  const std::string& authorization() const { return authorization_; }
  // What kind of credential this is, for messages: "none", "bearer token", "admin
  // password". Never the secret.
  const std::string& kind() const { return kind_; }

 private:
  Credentials(std::string authorization, std::string kind)
      : authorization_(std::move(authorization)), kind_(std::move(kind)) {}

  std::string authorization_;
  std::string kind_ = "none";
};

}  // namespace warden
