#include "client/wardenctl/config_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "client/wardenctl/secret_io.h"
#include "common/status_macros.h"

namespace warden::cli {

absl::StatusOr<std::string> ConfigPath(const std::string& xdg_config_home,
                                       const std::string& home) {
  if (!xdg_config_home.empty()) return absl::StrCat(xdg_config_home, "/warden/config.json");
  if (!home.empty()) return absl::StrCat(home, "/.config/warden/config.json");
  return absl::FailedPreconditionError(
      "neither XDG_CONFIG_HOME nor HOME is set: nowhere to keep the login session");
}

absl::StatusOr<std::optional<SessionConfig>> LoadSessionConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    return absl::FailedPreconditionError(absl::StrCat("cannot read ", path, ": ", strerror(errno)));
  }
  std::stringstream content;
  content << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(content.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not a wardenctl config; run `wardenctl login` again"));
  }
  auto text = [&](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  SessionConfig config;
  config.endpoint = text("endpoint");
  config.use_tls = json.value("tls", false);
  config.ca_file = text("ca_file");
  config.tls_server_name = text("tls_server_name");
  config.cert_file = text("cert_file");
  config.key_file = text("key_file");
  config.token = text("token");
  config.token_id = text("token_id");
  config.expiration = text("expiration");
  return config;
}

absl::Status SaveSessionConfig(const std::string& path, const SessionConfig& config) {
  std::filesystem::path directory = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!std::filesystem::exists(directory, error)) {
    std::filesystem::create_directories(directory.parent_path(), error);
    if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", directory.string(), ": ", strerror(errno)));
    }
  }
  nlohmann::json json = {
      {"endpoint", config.endpoint},     {"tls", config.use_tls},
      {"ca_file", config.ca_file},       {"tls_server_name", config.tls_server_name},
      {"cert_file", config.cert_file},   {"key_file", config.key_file},
      {"token", config.token},           {"token_id", config.token_id},
      {"expiration", config.expiration},
  };
  ASSIGN_OR_RETURN(std::unique_ptr<PrivateFileWriter> writer, PrivateFileWriter::Open(path));
  return writer->Commit(json.dump(2) + "\n");
}

absl::Status RemoveSessionConfig(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot remove ", path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace warden::cli
