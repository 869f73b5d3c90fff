#pragma once

// Where a command that makes a secret token (`token create`, `m2m exchange`) puts it:
// stdout, or with --output-file FILE only that file (mode 0600).

#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "client/wardenctl/command.h"
#include "client/wardenctl/secret_io.h"
#include "client/wardenctl/session.h"

namespace warden::cli {

class SecretTokenOutput final {
 public:
  // Opens --output-file, if given, before the token exists: a path that cannot be written
  // then costs nothing. A local error naming the path otherwise.
  static absl::StatusOr<SecretTokenOutput> Open(const ParsedFlags& flags);

  // What Put shows besides the token.
  struct Shown {
    // Printed with -o json; `clear_token` removes the token from it before it is printed
    // when the token went to the file.
    google::protobuf::Message* response = nullptr;
    std::function<void()> clear_token;
    // With the file and no -o json: these fields and a TOKEN row naming the file.
    std::vector<std::pair<std::string, std::string>> fields;
    // Without the file and no -o json: stdout carries the token alone (for
    // TOKEN=$(wardenctl ...)) and this line goes to stderr.
    std::string note;
    // If the file cannot be written: what to report, from the write's error (by default
    // that error); reported as a local error.
    std::function<absl::Status(const absl::Status&)> on_save_error;
  };

  // Writes `token` to the file (with a final newline) or stdout and prints `shown`.
  absl::Status Put(Session& session, const std::string& token, Shown shown);

 private:
  SecretTokenOutput(std::string path, std::unique_ptr<PrivateFileWriter> file)
      : path_(std::move(path)), file_(std::move(file)) {}

  std::string path_;
  std::unique_ptr<PrivateFileWriter> file_;  // null without --output-file
};

}  // namespace warden::cli
