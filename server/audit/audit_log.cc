#include "server/audit/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

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

std::unique_ptr<AuditLog> AuditLog::ToStream(std::FILE* file, const Clock& clock) {
  CHECK(file != nullptr);
  return std::unique_ptr<AuditLog>(new AuditLog(file, clock));
}

AuditLog::AuditLog(std::FILE* file, const Clock& clock)
    : file_(file), clock_(clock), writer_([this] { WriterLoop(); }) {}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
  if (file_ != nullptr) std::fclose(file_);
}

void AuditLog::Record(absl::string_view action, absl::string_view actor, absl::string_view target,
                      nlohmann::json details) {
  nlohmann::json record = details.is_object() ? std::move(details) : nlohmann::json::object();
  record["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", clock_.Now(), absl::UTCTimeZone());
  record["action"] = std::string(action);
  record["actor"] = std::string(actor);
  record["target"] = std::string(target);
  // Replace, not throw, on invalid UTF-8 (names are validated, but never crash on it).
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  absl::MutexLock lock(&mu_);
  lines_.push_back(std::move(line));
}

size_t AuditLog::pending() const {
  absl::MutexLock lock(&mu_);
  return lines_.size() + writing_;
}

bool AuditLog::HasLinesOrStopping() const { return !lines_.empty() || stopping_; }

void AuditLog::WriterLoop() {
  while (true) {
    std::deque<std::string> batch;
    {
      absl::MutexLock lock(&mu_);
      writing_ = 0;
      mu_.Await(absl::Condition(this, &AuditLog::HasLinesOrStopping));
      if (lines_.empty()) return;  // stopping, and every line is written
      batch.swap(lines_);
      writing_ = batch.size();
    }
    Write(batch);
  }
}

void AuditLog::Write(const std::deque<std::string>& lines) {
  if (file_ == nullptr) {
    for (const std::string& line : lines) LOG(INFO) << "audit " << line;
    return;
  }
  bool written = true;
  for (const std::string& line : lines) {
    written = written && std::fputs(line.c_str(), file_) >= 0 && std::fputc('\n', file_) != EOF;
  }
  if (!written || std::fflush(file_) != 0) {
    LOG(ERROR) << "cannot write the audit log (" << lines.size()
               << " records): " << std::strerror(errno);
  }
}

}  // namespace warden
