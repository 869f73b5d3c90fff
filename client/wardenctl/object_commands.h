#pragma once

// What the commands that change one object (`role`, `permission-set`, `scope`, `m2m
// config`, `token`) share: reading the object of -f FILE and confirming a change.

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/wardenctl/exit_codes.h"
#include "client/wardenctl/object_file.h"
#include "client/wardenctl/session.h"

namespace warden::cli {

// The object in the file `path` (`-f FILE`; "-" = stdin) as `parse` reads its text; a
// local error naming the file otherwise.
template <typename T>
absl::StatusOr<T> ReadObjectFromFile(const std::string& path,
                                     absl::StatusOr<T> (*parse)(absl::string_view text,
                                                                const std::string& source_name)) {
  absl::StatusOr<std::string> text = ReadObjectFile(path);
  if (!text.ok()) return LocalError(text.status());
  absl::StatusOr<T> parsed = parse(*text, path);
  if (!parsed.ok()) return LocalError(parsed.status());
  return parsed;
}

// Confirms a change: `response` as JSON with -o json, else the line `done` + ".\n"
// ("Created role Analyst."). OK.
absl::Status PrintDone(Session& session, const google::protobuf::Message& response,
                       const std::string& done);

}  // namespace warden::cli
