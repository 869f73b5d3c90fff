#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

extern char** environ;

namespace warden::testing {
namespace {

// Creates an empty temporary file for a child's output and returns its path.
absl::StatusOr<std::string> NewTemporaryFile(const std::string& suffix) {
  std::string path = (std::filesystem::temp_directory_path() / "warden-subprocess-XXXXXX").string();
  path += suffix;
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("mkstemps ", path, ": ", std::strerror(errno)));
  }
  close(fd);
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// The parent's environment with `overrides` set on top, as "KEY=VALUE" strings.
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view kv(*entry);
    std::string key(kv.substr(0, kv.find('=')));
    if (!overrides.contains(key)) env.emplace_back(kv);
  }
  for (const auto& [key, value] : overrides) env.push_back(absl::StrCat(key, "=", value));
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(SubprocessOptions options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("Subprocess: empty argv");
  std::vector<std::string> temporary_files;
  for (auto [path, suffix] :
       {std::pair{&options.stdout_path, ".out"}, std::pair{&options.stderr_path, ".err"}}) {
    if (!path->empty()) continue;
    absl::StatusOr<std::string> file = NewTemporaryFile(suffix);
    if (!file.ok()) return file.status();
    *path = *file;
    temporary_files.push_back(*file);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, options.stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, options.stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> argv = options.argv;
  std::vector<std::string> env = ChildEnvironment(options.env);
  std::vector<char*> argv_c = CStrings(argv);
  std::vector<char*> env_c = CStrings(env);
  pid_t pid = 0;
  int error = posix_spawnp(&pid, argv_c[0], &actions, &attr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (error != 0) {
    for (const std::string& file : temporary_files) std::filesystem::remove(file);
    std::string message = absl::StrCat("cannot start `", absl::StrJoin(options.argv, " "),
                                       "`: ", std::strerror(error));
    return error == ENOENT ? absl::NotFoundError(message) : absl::InternalError(message);
  }
  return std::unique_ptr<Subprocess>(new Subprocess(pid, std::move(options.stdout_path),
                                                    std::move(options.stderr_path),
                                                    std::move(temporary_files)));
}

Subprocess::Subprocess(pid_t pid, std::string stdout_path, std::string stderr_path,
                       std::vector<std::string> temporary_files)
    : pid_(pid),
      stdout_path_(std::move(stdout_path)),
      stderr_path_(std::move(stderr_path)),
      temporary_files_(std::move(temporary_files)) {}

Subprocess::~Subprocess() {
  if (!Reap(/*block=*/false)) {
    kill(pid_, SIGKILL);
    Reap(/*block=*/true);
  }
  for (const std::string& file : temporary_files_) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
  }
}

std::string Subprocess::ReadStdout() const { return ReadFile(stdout_path_); }
std::string Subprocess::ReadStderr() const { return ReadFile(stderr_path_); }

bool Subprocess::Reap(bool block) {
  if (exit_status_.has_value()) return true;
  int status = 0;
  pid_t result;
  do {
    result = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result == 0) return false;
  if (result < 0) {  // ECHILD: someone else reaped it; its status is lost.
    exit_status_ = -1;
    return true;
  }
  exit_status_ = DecodeWaitStatus(status);
  return true;
}

bool Subprocess::Running() { return !Reap(/*block=*/false); }

void Subprocess::Kill(int signal) {
  if (Running()) kill(pid_, signal);
}

int Subprocess::Wait() {
  Reap(/*block=*/true);
  return *exit_status_;
}

std::optional<int> Subprocess::WaitFor(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!Reap(/*block=*/false)) {
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return exit_status_;
}

}  // namespace warden::testing
