#include "tests/e2e/oidc_provider.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace warden::testing {
namespace {

using Json = nlohmann::json;

// How many lines of the provider's log an error message quotes.
constexpr int kLogLinesQuoted = 30;

Json ConfigOf(const OidcProviderOptions& options, const TestPki& pki) {
  Json users = Json::array();
  for (const OidcUser& user : options.users) {
    Json entry = {{"sub", user.sub},
                  {"email", user.email},
                  {"password", user.password},
                  {"groups", user.groups}};
    if (!user.name.empty()) entry["name"] = user.name;
    users.push_back(std::move(entry));
  }
  Json clients = Json::array();
  for (const OidcClient& client : options.clients) {
    Json entry = {{"client_id", client.client_id},
                  {"redirect_uris", client.redirect_uris},
                  {"application_type", client.application_type},
                  {"token_endpoint_auth_method", client.token_endpoint_auth_method},
                  {"grant_types", client.grant_types}};
    if (client.client_secret.has_value()) entry["client_secret"] = *client.client_secret;
    if (client.id_token_ttl_seconds.has_value()) {
      entry["id_token_ttl"] = *client.id_token_ttl_seconds;
    }
    clients.push_back(std::move(entry));
  }
  Json config = {{"cert", pki.Path("server.pem")},
                 {"key", pki.Path("server.key")},
                 {"port", 0},
                 {"users", std::move(users)},
                 {"clients", std::move(clients)}};
  config.update(options.extra_config);
  return config;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string MakeTemporaryDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "warden-oidc-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

}  // namespace

absl::StatusOr<std::unique_ptr<OidcProvider>> OidcProvider::Start(OidcProviderOptions options) {
  std::string dir = MakeTemporaryDirectory();
  if (dir.empty()) return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  std::unique_ptr<OidcProvider> provider(new OidcProvider(std::move(options), std::move(dir)));
  if (absl::Status launched = provider->Launch(); !launched.ok()) {
    provider->keep_dir_ = provider->options_.keep_dir_on_failure;
    return launched;
  }
  return provider;
}

OidcProvider::OidcProvider(OidcProviderOptions options, std::string dir)
    : options_(std::move(options)), dir_(std::move(dir)) {}

OidcProvider::~OidcProvider() {
  Stop();
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!keep_dir_) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

absl::Status OidcProvider::Launch() {
  const std::string config_path = dir_ + "/config.json";
  std::ofstream(config_path) << ConfigOf(options_, pki_).dump(2) << "\n";
  if (!std::filesystem::exists(config_path)) {
    return absl::InternalError(absl::StrCat("cannot write ", config_path));
  }

  // The provider's stdout is a FIFO whose read end this process holds, so that Start waits
  // for the line itself (poll), not for a file to grow. The read end is open before the
  // child opens the write end, which therefore does not block; it stays open until the end
  // so that the provider never writes into a pipe without a reader.
  const std::string fifo = dir_ + "/stdout.fifo";
  if (mkfifo(fifo.c_str(), 0600) != 0) {
    return absl::InternalError(absl::StrCat("mkfifo ", fifo, ": ", std::strerror(errno)));
  }
  stdout_fd_ = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (stdout_fd_ < 0) {
    return absl::InternalError(absl::StrCat("open ", fifo, ": ", std::strerror(errno)));
  }

  SubprocessOptions spawn;
  spawn.argv = {WARDEN_NODE_EXECUTABLE, WARDEN_OIDC_PROVIDER_SCRIPT, config_path};
  spawn.stdout_path = fifo;
  // A file, not a pipe: nobody has to drain it, and it survives for a look after a failure.
  spawn.stderr_path = log_path();
  absl::StatusOr<std::unique_ptr<Subprocess>> started = Subprocess::Start(std::move(spawn));
  if (!started.ok()) return started.status();
  process_ = *std::move(started);

  std::string out;
  const absl::Time deadline = absl::Now() + options_.start_timeout;
  while (out.find('\n') == std::string::npos) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(WithLog(absl::StrCat(
          "the OIDC provider printed no line within ", absl::FormatDuration(options_.start_timeout),
          "; stdout so far: \"", out, "\"")));
    }
    pollfd readable = {stdout_fd_, POLLIN, 0};
    const int ready = poll(&readable, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    }
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t got = read(stdout_fd_, buffer, sizeof buffer);
    if (got > 0) {
      out.append(buffer, static_cast<size_t>(got));
    } else if (got == 0) {  // end of file: the provider closed its stdout, i.e. it exited
      const std::optional<int> code = process_->WaitFor(absl::Seconds(5));
      return absl::FailedPreconditionError(WithLog(absl::StrCat(
          "the OIDC provider exited (",
          code.has_value() ? absl::StrCat("code ", *code) : std::string("still running"),
          ") before it listened")));
    } else if (errno != EAGAIN && errno != EINTR) {
      return absl::InternalError(absl::StrCat("read ", fifo, ": ", std::strerror(errno)));
    }
  }

  const std::string line = out.substr(0, out.find('\n'));
  const Json ready = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!ready.is_object() || !ready.contains("issuer") || !ready["issuer"].is_string() ||
      !ready.contains("port") || !ready["port"].is_number_integer()) {
    return absl::InternalError(WithLog(
        absl::StrCat("the OIDC provider printed \"", line, "\", not {\"issuer\",\"port\"}")));
  }
  issuer_ = ready["issuer"].get<std::string>();
  port_ = ready["port"].get<int>();
  return absl::OkStatus();
}

std::string OidcProvider::Log() const { return ReadWholeFile(log_path()); }

std::string OidcProvider::WithLog(absl::string_view message) const {
  const std::string log = Log();
  std::vector<absl::string_view> lines = absl::StrSplit(log, '\n', absl::SkipEmpty());
  const size_t first = lines.size() > kLogLinesQuoted ? lines.size() - kLogLinesQuoted : 0;
  return absl::StrCat(
      message, "\nprovider log ", log_path(), options_.keep_dir_on_failure ? " (kept)" : "",
      ", its end:\n  ",
      absl::StrJoin(lines.begin() + static_cast<std::ptrdiff_t>(first), lines.end(), "\n  "));
}

std::string OidcProvider::WriteClientSecretFile(const std::string& client_id) const {
  const auto client =
      std::find_if(options_.clients.begin(), options_.clients.end(),
                   [&](const OidcClient& candidate) { return candidate.client_id == client_id; });
  INFO("client " << client_id);
  REQUIRE(client != options_.clients.end());
  REQUIRE(client->client_secret.has_value());
  const std::string path = absl::StrCat(dir_, "/", client_id, ".secret");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  const std::string& secret = *client->client_secret;
  const bool written =
      write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
  close(fd);
  REQUIRE(written);
  return path;
}

int OidcProvider::Stop() {
  if (exit_code_.has_value()) return *exit_code_;
  if (process_ == nullptr) return -1;  // never started
  process_->Kill(SIGTERM);
  std::optional<int> code = process_->WaitFor(absl::Seconds(10));
  if (!code.has_value()) {
    process_->Kill(SIGKILL);
    code = process_->Wait();
  }
  exit_code_ = code;
  return *code;
}

}  // namespace warden::testing
