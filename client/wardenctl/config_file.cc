#include "client/wardenctl/config_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "client/wardenctl/secret_io.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

// The file was edited by hand or by another program: say where and what, never the content
// (it holds a token).
absl::Status Unusable(const std::string& path, const std::string& problem) {
  return absl::FailedPreconditionError(
      absl::StrCat(path, " ", problem, "; fix it or run `wardenctl login` again"));
}

// Reads the field `key` into `out` if present. nlohmann's get<> would throw for another
// type, so the type is checked first.
template <typename T>
absl::Status ReadField(const nlohmann::json& json, const std::string& path, const char* key,
                       T* out) {
  static_assert(std::is_same_v<T, std::string> || std::is_same_v<T, bool>);
  constexpr bool kText = std::is_same_v<T, std::string>;
  auto it = json.find(key);
  if (it == json.end()) return absl::OkStatus();
  if (kText ? !it->is_string() : !it->is_boolean()) {
    return Unusable(path, absl::StrCat("has field \"", key, "\" of type ", it->type_name(),
                                       "; it must be ", kText ? "a string" : "true or false"));
  }
  *out = it->get<T>();
  return absl::OkStatus();
}

}  // namespace

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
  if (json.is_discarded()) return Unusable(path, "is not valid JSON");
  if (!json.is_object()) return Unusable(path, "is not a JSON object");
  SessionConfig config;
  RETURN_IF_ERROR(ReadField(json, path, "endpoint", &config.endpoint));
  RETURN_IF_ERROR(ReadField(json, path, "tls", &config.use_tls));
  RETURN_IF_ERROR(ReadField(json, path, "insecure_plaintext", &config.insecure_plaintext));
  RETURN_IF_ERROR(ReadField(json, path, "ca_file", &config.ca_file));
  RETURN_IF_ERROR(ReadField(json, path, "tls_server_name", &config.tls_server_name));
  RETURN_IF_ERROR(ReadField(json, path, "cert_file", &config.cert_file));
  RETURN_IF_ERROR(ReadField(json, path, "key_file", &config.key_file));
  RETURN_IF_ERROR(ReadField(json, path, "token", &config.token));
  RETURN_IF_ERROR(ReadField(json, path, "token_id", &config.token_id));
  RETURN_IF_ERROR(ReadField(json, path, "expiration", &config.expiration));
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
      {"endpoint", config.endpoint},
      {"tls", config.use_tls},
      {"insecure_plaintext", config.insecure_plaintext},
      {"ca_file", config.ca_file},
      {"tls_server_name", config.tls_server_name},
      {"cert_file", config.cert_file},
      {"key_file", config.key_file},
      {"token", config.token},
      {"token_id", config.token_id},
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
