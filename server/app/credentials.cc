#include "server/app/credentials.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "validation/jose/key_files.h"

namespace warden {

absl::StatusOr<jose::KeyRing> LoadSigningKeys(const ServerConfig& config) {
  if (!config.signing_keys.empty()) return jose::LoadKeyRing(config.signing_keys);
  bool created = false;
  absl::StatusOr<std::shared_ptr<const jose::SigningKey>> key =
      jose::LoadOrCreateDevKey(config.data_dir, &created);
  if (!key.ok()) return key.status();
  if (created) {
    LOG(WARNING) << "no WARDEN_SIGNING_KEYS configured: generated a development ES256 key in "
                 << config.data_dir << "/signing-key.pem (kid " << (*key)->kid()
                 << "); configure real keys for production";
  } else {
    LOG(INFO) << "using the development signing key in " << config.data_dir << " (kid "
              << (*key)->kid() << ")";
  }
  return jose::KeyRing::Create({*key});
}

absl::StatusOr<std::optional<AdminPassword>> LoadAdminPassword(const ServerConfig& config) {
  if (!config.admin_password_file.empty()) {
    absl::StatusOr<AdminPassword> password = AdminPassword::LoadFile(config.admin_password_file);
    if (!password.ok()) return password.status();
    return std::optional<AdminPassword>(std::move(*password));
  }
  if (config.data_dir.empty()) {
    LOG(WARNING) << "no WARDEN_ADMIN_PASSWORD_FILE or WARDEN_DATA_DIR: the admin user is disabled";
    return std::optional<AdminPassword>();
  }
  if (::mkdir(config.data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", config.data_dir, ": ", std::strerror(errno)));
  }
  std::string path = config.data_dir + "/admin-password";
  bool created = false;
  absl::StatusOr<AdminPassword> password = AdminPassword::LoadOrCreateFile(path, &created);
  if (!password.ok()) return password.status();
  if (created) LOG(WARNING) << "generated an admin password in " << path << " (mode 0600)";
  return std::optional<AdminPassword>(std::move(*password));
}

}  // namespace warden
