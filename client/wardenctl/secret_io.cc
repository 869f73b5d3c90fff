#include "client/wardenctl/secret_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace warden::cli {
namespace {

void StripLineEndings(std::string* text) {
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
}

absl::Status Errno(const std::string& what) {
  return absl::FailedPreconditionError(absl::StrCat(what, ": ", strerror(errno)));
}

// The terminal settings to restore if a signal interrupts the prompt, so that Ctrl-C does
// not leave the shell without echo. Only the prompt's thread sets them.
int prompt_fd = -1;
termios prompt_saved;

void RestoreTerminalAndDie(int signal) {
  tcsetattr(prompt_fd, TCSAFLUSH, &prompt_saved);  // async-signal-safe
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::stringstream content;
  if (path == "-") {
    content << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Errno(absl::StrCat("cannot read ", path));
    content << in.rdbuf();
  }
  std::string secret = content.str();
  StripLineEndings(&secret);
  if (secret.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path == "-" ? "stdin" : path, " is empty"));
  }
  return secret;
}

absl::StatusOr<std::string> PromptSecret(const std::string& prompt) {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        "no terminal to ask for the password on; pass --password-file FILE (or - for stdin)");
  }
  termios saved;
  bool is_tty = tcgetattr(fd, &saved) == 0;
  using Handler = void (*)(int);
  Handler previous_int = SIG_DFL, previous_term = SIG_DFL, previous_hup = SIG_DFL;
  if (is_tty) {
    prompt_fd = fd;
    prompt_saved = saved;
    previous_int = std::signal(SIGINT, RestoreTerminalAndDie);
    previous_term = std::signal(SIGTERM, RestoreTerminalAndDie);
    previous_hup = std::signal(SIGHUP, RestoreTerminalAndDie);
    termios quiet = saved;
    quiet.c_lflag &= ~ECHO;
    quiet.c_lflag |= ECHONL;
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool ok = write(fd, prompt.data(), prompt.size()) == static_cast<ssize_t>(prompt.size());
  char c;
  while (ok && read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (is_tty) {
    tcsetattr(fd, TCSAFLUSH, &saved);
    std::signal(SIGINT, previous_int);
    std::signal(SIGTERM, previous_term);
    std::signal(SIGHUP, previous_hup);
  }
  close(fd);
  StripLineEndings(&line);
  if (!ok) return absl::FailedPreconditionError("cannot write to the terminal");
  if (line.empty()) return absl::InvalidArgumentError("no password given");
  return line;
}

absl::StatusOr<std::unique_ptr<PrivateFileWriter>> PrivateFileWriter::Open(
    const std::string& path) {
  std::filesystem::path target(path);
  if (std::filesystem::is_directory(target)) {
    return absl::FailedPreconditionError(absl::StrCat("cannot write ", path, ": is a directory"));
  }
  std::filesystem::path directory = target.parent_path();
  if (directory.empty()) directory = ".";
  std::string temporary =
      (directory / absl::StrCat(".", target.filename().string(), ".tmp-XXXXXX")).string();
  int fd = mkstemp(temporary.data());  // mode 0600
  if (fd < 0) return Errno(absl::StrCat("cannot write ", path));
  return std::unique_ptr<PrivateFileWriter>(new PrivateFileWriter(path, temporary, fd));
}

PrivateFileWriter::~PrivateFileWriter() {
  if (fd_ >= 0) close(fd_);
  if (!committed_) unlink(temporary_path_.c_str());
}

absl::Status PrivateFileWriter::Commit(const std::string& content) {
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd_, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(absl::StrCat("cannot write ", path_));
    written += n;
  }
  if (fsync(fd_) != 0) return Errno(absl::StrCat("cannot write ", path_));
  close(fd_);
  fd_ = -1;
  if (rename(temporary_path_.c_str(), path_.c_str()) != 0) {
    return Errno(absl::StrCat("cannot write ", path_));
  }
  committed_ = true;
  return absl::OkStatus();
}

}  // namespace warden::cli
