#include "server/audit/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "glog/logging.h"

namespace warden {

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path,
                                                        const Clock& clock) {
  if (path.empty()) return std::unique_ptr<AuditLog>(new AuditLog(nullptr, clock));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  std::FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "a");
  if (file == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open audit log ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<AuditLog>(new AuditLog(file, clock));
}

AuditLog::~AuditLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void AuditLog::Record(absl::string_view action, absl::string_view actor,
                      absl::string_view target, nlohmann::json details) {
  nlohmann::json record = details.is_object() ? std::move(details) : nlohmann::json::object();
  record["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", clock_.Now(), absl::UTCTimeZone());
  record["action"] = std::string(action);
  record["actor"] = std::string(actor);
  record["target"] = std::string(target);
  // Replace, not throw, on invalid UTF-8 (names are validated, but never crash on it).
  const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (file_ == nullptr) {
    LOG(INFO) << "audit " << line;
    return;
  }
  absl::MutexLock lock(&mu_);
  if (std::fputs((line + "\n").c_str(), file_) < 0 || std::fflush(file_) != 0) {
    LOG(ERROR) << "cannot write the audit log: " << std::strerror(errno);
  }
}

}  // namespace warden
