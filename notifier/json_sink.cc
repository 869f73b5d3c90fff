#include "notifier/json_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "notifier/expiry_message.h"
#include "notifier/notice_json.h"

namespace warden::notifier {

JsonSink::JsonSink(std::FILE* out) : JsonSink(out, /*owned=*/false) {}

JsonSink::JsonSink(std::FILE* out, bool owned) : out_(out), owned_(owned) {}

absl::StatusOr<std::unique_ptr<JsonSink>> JsonSink::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    const int error = errno;
    return absl::ErrnoToStatus(error, absl::StrCat("cannot open JSON log ", path));
  }
  std::FILE* out = ::fdopen(fd, "a");
  if (out == nullptr) {
    const int error = errno;
    ::close(fd);
    return absl::ErrnoToStatus(error, absl::StrCat("cannot open JSON log ", path));
  }
  return std::unique_ptr<JsonSink>(new JsonSink(out, /*owned=*/true));
}

JsonSink::~JsonSink() {
  if (owned_) std::fclose(out_);
}

void JsonSink::Emit(const ExpiringTokenBatch& batch) {
  const std::string run_at = FormatRfc3339(batch.run_at);
  std::string text;
  for (const ExpiringTokenNotice& notice : batch.tokens) {
    absl::StrAppend(&text, NoticeJsonLine(notice, run_at, batch.slice_name), "\n");
  }
  absl::MutexLock lock(&mu_);
  const bool ok =
      std::fwrite(text.data(), 1, text.size(), out_) == text.size() && std::fflush(out_) == 0;
  if (!ok && !failed_) {
    failed_ = true;
    LOG(ERROR) << "Cannot write the token expiration JSON log: " << std::strerror(errno);
  }
}

}  // namespace warden::notifier
