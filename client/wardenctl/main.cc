// wardenctl: the command line for Warden. The only code that reads argv and the
// environment; everything else gets them through Session.

#include <grpc/support/log.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "client/wardenctl/args.h"
#include "client/wardenctl/commands.h"
#include "client/wardenctl/exit_codes.h"
#include "client/wardenctl/help.h"
#include "client/wardenctl/session.h"

namespace {

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

warden::cli::Environment ReadEnvironment() {
  warden::cli::Environment environment;
  environment.endpoint = Getenv("WARDEN_ENDPOINT");
  environment.token = Getenv("WARDEN_TOKEN");
  environment.insecure_plaintext = Getenv("WARDEN_INSECURE_PLAINTEXT");
  environment.xdg_config_home = Getenv("XDG_CONFIG_HOME");
  environment.home = Getenv("HOME");
  const passwd* user = getpwuid(getuid());
  environment.user = user != nullptr ? user->pw_name : Getenv("USER");
  char hostname[256] = {};
  gethostname(hostname, sizeof(hostname) - 1);
  environment.hostname = hostname;
  environment.has_display = !Getenv("DISPLAY").empty() || !Getenv("WAYLAND_DISPLAY").empty();
  return environment;
}

// gRPC logs connection failures on stderr; wardenctl reports them in its one error line.
// GRPC_VERBOSITY set by the user keeps gRPC's logging for debugging.
void QuietGrpcLog(gpr_log_func_args*) {}

}  // namespace

int main(int argc, char** argv) {
  using namespace warden::cli;
  if (std::getenv("GRPC_VERBOSITY") == nullptr) gpr_set_log_function(QuietGrpcLog);
  const Environment environment = ReadEnvironment();
  const Command root = BuildRootCommand();
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cout << RenderHelp({&root}, GlobalFlags());
    return kExitOk;
  }
  absl::StatusOr<Invocation> invocation = ParseCommandLine(root, GlobalFlags(), args);
  if (!invocation.ok()) {
    std::cerr << ErrorLine(invocation.status(), ErrorContext{}) << "\n";
    return ExitCodeFor(invocation.status());
  }
  if (invocation->help) {
    std::cout << RenderHelp(invocation->path, GlobalFlags());
    return kExitOk;
  }
  Session session(*invocation, environment, std::cout, std::cerr);
  absl::Status status = invocation->command().run(session);
  std::cout.flush();
  if (!status.ok()) std::cerr << ErrorLine(status, session.error_context()) << "\n";
  return ExitCodeFor(status);
}
