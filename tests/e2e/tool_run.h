#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warden::testing {

// How an outside tool (node, python, buf) ended, and what it printed.
struct ToolRun {
  int exit_code = -1;  // -1: killed at the time limit
  std::string out;
  std::string err;
};

// Runs `argv` to the end, with `env` added to this process's environment; a tool still
// running after `limit` is killed. Fails the test if it cannot be started.
ToolRun RunTool(std::vector<std::string> argv, absl::Duration limit = absl::Seconds(60),
                std::map<std::string, std::string> env = {});

}  // namespace warden::testing
