// warden-server: the composition root. The only place that reads flags and the
// environment; it builds the config, starts WardenServer, reloads the declarative
// configuration on SIGHUP, and shuts down on SIGTERM/SIGINT.

#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "glog/logging.h"
#include "notifier/notifier_config.h"
#include "server/app/warden_server.h"
#include "server/config/server_config.h"

int main(int argc, char** argv) {
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex lock would also update a
  // global lock-order graph behind one global spin lock (about 3x the cost of the lock
  // itself; docs/performance.md). The unit tests and the TSan run keep the detection.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // glog calls mktime() for every line (audit records included), and with TZ unset glibc
  // then stat()s /etc/localtime each time to see whether it changed. Naming the same file
  // in TZ lets glibc keep what it read: one syscall less per log line, same local time.
  setenv("TZ", ":/etc/localtime", /*overwrite=*/0);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);

  std::vector<std::string> args(argv + 1, argv + argc);
  bool help = false;
  warden::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  };
  absl::StatusOr<warden::ServerConfig> config = warden::ParseServerConfig(args, env, &help);
  if (help) {
    std::cout << warden::ServerConfigHelp();
    return 0;
  }
  if (!config.ok()) {
    std::cerr << "warden-server: " << config.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<warden::notifier::NotifierConfig> notifier_config =
      warden::notifier::ParseNotifierConfig(env);
  if (!notifier_config.ok()) {
    std::cerr << "warden-server: " << notifier_config.status().message() << "\n";
    return 2;
  }

  // Block the shutdown signals in every thread (they inherit the mask), then wait for them
  // here; gRPC's and storage's threads never see them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<warden::WardenServer>> server =
      warden::WardenServer::Start(*config, *notifier_config);
  if (!server.ok()) {
    LOG(ERROR) << "cannot start: " << server.status().message();
    return 1;
  }
  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    LOG(INFO) << "received SIGHUP: reloading the declarative configuration";
    (*server)->ReloadDeclarativeConfig();
  }
  LOG(INFO) << "received " << (received == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown();
  return 0;
}
