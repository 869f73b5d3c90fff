#pragma once

#include <map>
#include <string>
#include <vector>

namespace warden::testing {

// What one run of wardenctl did.
struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the wardenctl binary as a user would, with its own empty config directory
// (XDG_CONFIG_HOME and HOME point into a temporary directory removed with the runner) and
// WARDEN_ENDPOINT / WARDEN_TOKEN / WARDEN_INSECURE_PLAINTEXT cleared, so the developer's own
// settings never leak in.
class WardenctlRunner final {
 public:
  WardenctlRunner();
  ~WardenctlRunner();  // removes the temporary directory

  WardenctlRunner(const WardenctlRunner&) = delete;
  WardenctlRunner& operator=(const WardenctlRunner&) = delete;

  // Runs `wardenctl args...` with `env` on top of the runner's environment; fails the test
  // if it does not exit within 60 s.
  CliResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}) const;
  // Runs any program (bash, setsid) in the same environment, for pipes and sessions.
  CliResult RunProgram(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env = {}) const;

  // The temporary directory (also $HOME) and the session file login writes.
  const std::string& directory() const { return directory_; }
  std::string config_path() const { return directory_ + "/config/warden/config.json"; }

 private:
  std::string directory_;
};

// "exit N\nstdout:\n...\nstderr:\n..." for test failure messages.
std::string Describe(const CliResult& result);

// Runs wardenctl's bash completion function as bash would for the words of a command line,
// the last of which is being completed; the candidates, space-separated. Requires exit 0.
std::string Complete(const WardenctlRunner& cli, const std::string& line);

// The wardenctl binary under test.
const char* WardenctlBinary();

// The file's content, or "" if it cannot be read.
std::string ReadWholeFile(const std::string& path);
// Unix permission bits (e.g. 0600) of `path`, or -1.
int FileMode(const std::string& path);

}  // namespace warden::testing
