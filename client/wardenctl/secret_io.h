#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace warden::cli {

// Reads a secret from `path` ("-" = stdin): the whole content without trailing line
// endings, as warden-server reads its admin password file. Errors name the path, never
// the content; INVALID_ARGUMENT if the secret is empty.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

// Writes `prompt` to the controlling terminal (/dev/tty) and reads one line from it with
// echo off, restoring the terminal's settings before returning (also on error).
// FAILED_PRECONDITION if there is no terminal (a script: pass the secret in a file).
absl::StatusOr<std::string> PromptSecret(const std::string& prompt);

// A file only its owner can read (mode 0600), written all at once or not at all. Open
// creates a temporary file next to `path`; Commit writes, syncs and renames it over
// `path`. Opening first tells a caller that `path` cannot be written before it does
// something that cannot be undone, such as minting a token. Not thread-safe.
class PrivateFileWriter final {
 public:
  // FAILED_PRECONDITION naming the path if the temporary file cannot be created.
  static absl::StatusOr<std::unique_ptr<PrivateFileWriter>> Open(const std::string& path);
  // Removes the temporary file unless Commit succeeded.
  ~PrivateFileWriter();

  PrivateFileWriter(const PrivateFileWriter&) = delete;
  PrivateFileWriter& operator=(const PrivateFileWriter&) = delete;

  // REQUIRES: called at most once.
  absl::Status Commit(const std::string& content);

 private:
  PrivateFileWriter(std::string path, std::string temporary_path, int fd)
      : path_(std::move(path)), temporary_path_(std::move(temporary_path)), fd_(fd) {}

  const std::string path_;
  const std::string temporary_path_;
  int fd_;
  bool committed_ = false;
};

}  // namespace warden::cli
