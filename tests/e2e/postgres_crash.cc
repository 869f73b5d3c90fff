#include "tests/e2e/postgres_crash.h"

#include <signal.h>
#include <sys/types.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pqxx/pqxx"

namespace warden::testing {
namespace {

// The parent pid in /proc/<pid>/stat, or -1 if the process is gone. Field 2 (the command)
// is in parentheses and may hold spaces, so parse after its closing one.
pid_t ParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 1));
  std::string state;
  pid_t parent = -1;
  rest >> state >> parent;
  return parent;
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = 0;
    if (absl::SimpleAtoi(entry.path().filename().string(), &pid) && ParentOf(pid) == parent) {
      children.push_back(pid);
    }
  }
  return children;
}

// True while /proc still lists `pid`, zombie or not: PostgreSQL refuses to start over a
// postmaster.pid whose process still exists, and here the killed postmaster is reaped by
// init, on init's schedule.
bool Exists(pid_t pid) { return std::filesystem::exists("/proc/" + std::to_string(pid)); }

}  // namespace

void CrashPostgres(const std::string& superuser_url) {
  std::string data_directory;
  {
    pqxx::connection conn(superuser_url);
    pqxx::nontransaction tx(conn);
    data_directory = tx.exec1("SHOW data_directory")[0].as<std::string>();
  }
  std::ifstream lock_file(data_directory + "/postmaster.pid");
  pid_t postmaster = 0;
  lock_file >> postmaster;
  REQUIRE(postmaster > 1);

  // Each child of the postmaster is in its own session, so a process-group kill would miss
  // them. Stop the postmaster first (it cannot fork any more), then kill it and every child.
  REQUIRE(kill(postmaster, SIGSTOP) == 0);
  std::vector<pid_t> victims = ChildrenOf(postmaster);
  victims.push_back(postmaster);
  for (pid_t pid : victims) kill(pid, SIGKILL);

  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  for (pid_t pid : victims) {
    // Reaping is init's job, not ours: poll for it, bounded by the deadline.
    while (Exists(pid) && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
    INFO("PostgreSQL process " << pid << " still exists 30 s after SIGKILL");
    REQUIRE_FALSE(Exists(pid));
  }
}

}  // namespace warden::testing
