#include "tests/cli/wardenctl_runner.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/support/subprocess.h"

namespace warden::testing {

std::string Describe(const CliResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\nstdout:\n" + result.out + "\nstderr:\n" +
         result.err;
}

const char* WardenctlBinary() { return WARDENCTL_BINARY; }

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

int FileMode(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 07777);
}

WardenctlRunner::WardenctlRunner() {
  char dir[] = "/tmp/wardenctl-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  directory_ = dir;
}

WardenctlRunner::~WardenctlRunner() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

CliResult WardenctlRunner::Run(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env) const {
  std::vector<std::string> argv = {WardenctlBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, env);
}

CliResult WardenctlRunner::RunProgram(const std::vector<std::string>& argv,
                                      const std::map<std::string, std::string>& env) const {
  SubprocessOptions options;
  options.argv = argv;
  options.env = {{"XDG_CONFIG_HOME", directory_ + "/config"},
                 {"HOME", directory_},
                 {"WARDEN_ENDPOINT", ""},
                 {"WARDEN_TOKEN", ""},
                 {"WARDEN_INSECURE_PLAINTEXT", ""}};
  for (const auto& [name, value] : env) options.env[name] = value;
  auto started = Subprocess::Start(options);
  REQUIRE(started.ok());
  std::optional<int> code = (*started)->WaitFor(absl::Seconds(60));
  REQUIRE(code.has_value());
  CliResult result;
  result.exit_code = *code;
  result.out = (*started)->ReadStdout();
  result.err = (*started)->ReadStderr();
  return result;
}

std::string Complete(const WardenctlRunner& cli, const std::string& line) {
  std::string script =
      absl::StrCat("source <(\"", WardenctlBinary(), "\" completion bash) || exit 9\n",
                   "COMP_WORDS=(", line, "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n", "[[ \"",
                   line, "\" == *' ' ]] && { COMP_WORDS+=(''); COMP_CWORD=$((COMP_CWORD + 1)); }\n",
                   "_wardenctl; echo \"${COMPREPLY[*]}\"\n");
  CliResult result = cli.RunProgram({"bash", "-c", script});
  INFO(Describe(result));
  REQUIRE(result.exit_code == 0);
  return std::string(absl::StripSuffix(result.out, "\n"));
}

}  // namespace warden::testing
