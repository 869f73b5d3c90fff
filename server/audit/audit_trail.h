#pragma once

#include <nlohmann/json.hpp>

#include "absl/strings/string_view.h"

namespace warden {

// Where the use cases record every change they make (docs/security.md, "Audit trail"):
// when, who (the caller's principal, "token:<id>", "user:admin", "m2m:<subject>"), what (the
// action) and to which object. AuditLog writes them; tests record them in memory.
class AuditTrail {
 public:
  virtual ~AuditTrail() = default;

  // Records `action` by `actor` on `target`. `details` must be a JSON object (or null) and
  // must not hold a secret. Never fails: a write error is the implementation's to report.
  // Thread-safe.
  virtual void Record(absl::string_view action, absl::string_view actor, absl::string_view target,
                      nlohmann::json details = nullptr) = 0;
};

}  // namespace warden
