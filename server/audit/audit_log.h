#pragma once

#include <cstdio>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "server/audit/audit_trail.h"

namespace warden {

// The audit trail (docs/security.md): one JSON object per line for every change — a token
// minted, revoked or exchanged, a role, permission set, scope or M2M configuration created,
// updated or deleted — saying when, who (the caller's principal, "token:<id>",
// "user:admin"), what (the action) and to which object. Records carry ids, names, roles and
// expiry, never a token, password or key.
//
// Record is called from completion callbacks on the storage executor's threads, so it never
// does I/O: it formats the line and queues it, and a writer thread of this object writes
// the queued lines in order, each whole, and flushes after every batch. The queue has no
// bound and nothing is ever dropped (docs/decisions.md, "Overload"). Thread-safe.
class AuditLog final : public AuditTrail {
 public:
  // Appends to the file at `path` (created 0600 if missing); empty `path`: records go to
  // the server log as INFO lines starting "audit ". FAILED_PRECONDITION if the file cannot
  // be opened. Starts the writer thread.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path,
                                                        const Clock& clock);
  // Appends to `file`, which it takes and closes (tests pass a stream whose writes they
  // control). REQUIRES: `file` not null.
  static std::unique_ptr<AuditLog> ToStream(std::FILE* file, const Clock& clock);
  // Writes every record queued so far, then joins the writer and closes the file.
  // REQUIRES: no Record call running or to come.
  ~AuditLog() override;

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Queues {"time", "action", "actor", "target", ...details}, the time read from the clock
  // now. `details` must be a JSON object (or null) and must not hold a secret. Never waits
  // for the writer; a write error is logged by the writer, never thrown.
  void Record(absl::string_view action, absl::string_view actor, absl::string_view target,
              nlohmann::json details = nullptr) override;

  // Records queued and not yet written (for metrics: one that keeps growing means the file
  // cannot be written as fast as changes happen).
  size_t pending() const;

 private:
  AuditLog(std::FILE* file, const Clock& clock);
  bool HasLinesOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriterLoop();
  void Write(const std::deque<std::string>& lines);  // on the writer thread only

  std::FILE* const file_;  // null: the server log; written by the writer thread only
  const Clock& clock_;

  mutable absl::Mutex mu_;
  std::deque<std::string> lines_ ABSL_GUARDED_BY(mu_);  // formatted, without the newline
  size_t writing_ ABSL_GUARDED_BY(mu_) = 0;  // lines taken by the writer, not yet written
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread writer_;  // last: starts once everything above is built
};

}  // namespace warden
