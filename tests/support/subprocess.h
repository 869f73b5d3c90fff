#pragma once

#include <sys/types.h>

#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::testing {

struct SubprocessOptions {
  // argv[0] is the program: a path, or a bare name looked up on PATH.
  std::vector<std::string> argv = {};
  // Set in the child on top of this process's environment (replacing same-named variables).
  std::map<std::string, std::string> env = {};
  // Files that receive the child's stdout and stderr (created or truncated). Empty: a new
  // temporary file, removed with the Subprocess. The child's stdin is /dev/null.
  std::string stdout_path = {};
  std::string stderr_path = {};
};

// A child process for tests; the end-to-end tests run warden-server with it. The child
// starts with default signal dispositions and an empty signal mask, whatever this process
// has. Not thread-safe: one thread owns it.
class Subprocess final {
 public:
  // Starts the child. Returns NOT_FOUND if the program does not exist, INTERNAL for other
  // failures to start it (an output file that cannot be created, ...).
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(SubprocessOptions options);

  // SIGKILLs and reaps the child if it still runs; removes temporary output files.
  ~Subprocess();

  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& stdout_path() const { return stdout_path_; }
  const std::string& stderr_path() const { return stderr_path_; }

  // What the child has written so far.
  std::string ReadStdout() const;
  std::string ReadStderr() const;

  // False once the child has exited (it is reaped then; Wait returns its status at once).
  bool Running();

  // Sends `signal` to the child; does nothing once it has exited.
  void Kill(int signal = SIGTERM);

  // Blocks until the child exits. Returns its exit code, or 128 + the signal number if a
  // signal ended it (as shells report it).
  int Wait();

  // Like Wait, but gives up after `timeout` and returns nullopt if the child still runs.
  std::optional<int> WaitFor(absl::Duration timeout);

 private:
  Subprocess(pid_t pid, std::string stdout_path, std::string stderr_path,
             std::vector<std::string> temporary_files);
  // Reaps the child if it has exited (blocking if `block`); true once reaped.
  bool Reap(bool block);

  const pid_t pid_;
  const std::string stdout_path_;
  const std::string stderr_path_;
  const std::vector<std::string> temporary_files_;
  std::optional<int> exit_status_;
};

}  // namespace warden::testing
