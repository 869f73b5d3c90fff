#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

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
// expiry, never a token, password or key. Thread-safe; each line is written and flushed
// whole.
class AuditLog final : public AuditTrail {
 public:
  // Appends to the file at `path` (created 0600 if missing); empty `path`: records go to
  // the server log as INFO lines starting "audit ". FAILED_PRECONDITION if the file cannot
  // be opened.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path,
                                                       const Clock& clock);
  ~AuditLog() override;

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Writes {"time", "action", "actor", "target", ...details}. `details` must be a JSON
  // object (or null) and must not hold a secret. A write error is logged, never thrown.
  void Record(absl::string_view action, absl::string_view actor, absl::string_view target,
              nlohmann::json details = nullptr) override;

 private:
  AuditLog(std::FILE* file, const Clock& clock) : file_(file), clock_(clock) {}

  absl::Mutex mu_;
  std::FILE* const file_ ABSL_PT_GUARDED_BY(mu_);  // null: the server log
  const Clock& clock_;
};

}  // namespace warden
