#include "tests/support/postgres_instance.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "tests/support/subprocess.h"

#ifndef WARDEN_TEST_POSTGRES_SCRIPT
#error "WARDEN_TEST_POSTGRES_SCRIPT must name tests/support/test_postgres.sh"
#endif

namespace warden::testing {
namespace {

// A new directory for the script's state. scripts/test sets WARDEN_TEST_TMP so that it can
// stop whatever a crashed test left running.
std::string NewStateDir() {
  const char* root = std::getenv("WARDEN_TEST_TMP");
  std::filesystem::path parent = root != nullptr && *root != '\0'
                                     ? std::filesystem::path(root)
                                     : std::filesystem::temp_directory_path();
  std::filesystem::create_directories(parent);
  std::string path = (parent / "warden-pginstance-XXXXXX").string();
  PCHECK(mkdtemp(path.data()) != nullptr) << "mkdtemp " << path;
  return path;
}

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

PostgresInstance::PostgresInstance() : state_dir_(NewStateDir()) {
  RunScript("start");
  port_ = std::stoi(ReadLine(state_dir_ + "/port"));
  url_ = absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/postgres");
}

PostgresInstance::~PostgresInstance() {
  RunScript("stop");
  std::error_code ignored;
  std::filesystem::remove_all(state_dir_, ignored);
}

void PostgresInstance::Stop() { RunScript("pause"); }

void PostgresInstance::Start() { RunScript("resume"); }

void PostgresInstance::RunScript(const std::string& command) {
  absl::StatusOr<std::unique_ptr<Subprocess>> script = Subprocess::Start({
      .argv = {"bash", WARDEN_TEST_POSTGRES_SCRIPT, command, state_dir_},
      .stdout_path = state_dir_ + "/" + command + ".out",
      .stderr_path = state_dir_ + "/" + command + ".err",
  });
  CHECK(script.ok()) << script.status();
  const int status = (*script)->Wait();
  CHECK_EQ(status, 0) << "test_postgres.sh " << command << " " << state_dir_ << " failed:\n"
                      << (*script)->ReadStdout() << (*script)->ReadStderr();
}

}  // namespace warden::testing
