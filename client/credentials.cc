#include "client/credentials.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace warden {

Credentials Credentials::BearerToken(std::string token) {
  return Credentials(absl::StrCat("Bearer ", token), "bearer token");
}

absl::StatusOr<Credentials> Credentials::FromTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    std::string message = absl::StrCat("cannot read token file ", path, ": ", strerror(error));
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::NotFoundError(message);
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(content.str()));
  if (token.empty())
    return absl::InvalidArgumentError(absl::StrCat("token file ", path, " is empty"));
  return BearerToken(std::move(token));
}

Credentials Credentials::AdminPassword(std::string password, std::string user) {
  return Credentials(absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(user, ":", password))),
                     "admin password");
}

}  // namespace warden
