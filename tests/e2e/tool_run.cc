#include "tests/e2e/tool_run.h"

#include <signal.h>

#include <catch2/catch.hpp>
#include <memory>
#include <optional>

#include "tests/support/subprocess.h"

namespace warden::testing {

ToolRun RunTool(std::vector<std::string> argv, absl::Duration limit,
                std::map<std::string, std::string> env) {
  SubprocessOptions options;
  options.argv = std::move(argv);
  options.env = std::move(env);
  absl::StatusOr<std::unique_ptr<Subprocess>> started = Subprocess::Start(options);
  INFO(started.status().ToString());
  REQUIRE(started.ok());
  std::optional<int> code = (*started)->WaitFor(limit);
  ToolRun run{code.value_or(-1), (*started)->ReadStdout(), (*started)->ReadStderr()};
  if (!code.has_value()) (*started)->Kill(SIGKILL);
  return run;
}

}  // namespace warden::testing
