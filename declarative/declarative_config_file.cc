// LoadDeclarativeConfigFile: reads at most one byte past the size limit, then parses.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "declarative/declarative_config.h"

namespace warden {

absl::StatusOr<DeclarativeConfig> LoadDeclarativeConfigFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rbe"),
                                                       &std::fclose);
  if (file == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open declarative configuration ", path, ": ", std::strerror(errno)));
  }
  std::string text;
  char buffer[8192];
  size_t n = 0;
  // Stops as soon as the limit is passed, so /dev/zero or a huge file is not read whole.
  while (text.size() <= kMaxDeclarativeConfigBytes &&
         (n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    text.append(buffer, n);
  }
  if (std::ferror(file.get())) {  // e.g. EISDIR: fopen accepts a directory, fread does not
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read declarative configuration ", path, ": ", std::strerror(errno)));
  }
  return ParseDeclarativeConfig(text, path);
}

}  // namespace warden
