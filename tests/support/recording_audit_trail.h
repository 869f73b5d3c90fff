#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/audit/audit_trail.h"

namespace warden::testing {

// One record of the audit trail, as the use case wrote it.
struct AuditEntry {
  std::string action;
  std::string actor;
  std::string target;
  nlohmann::json details;
};

// An AuditTrail that keeps every record in memory, in order, for tests to read.
// Thread-safe.
class RecordingAuditTrail final : public AuditTrail {
 public:
  void Record(absl::string_view action, absl::string_view actor, absl::string_view target,
              nlohmann::json details = nullptr) override {
    absl::MutexLock lock(&mu_);
    entries_.push_back(AuditEntry{std::string(action), std::string(actor), std::string(target),
                                  std::move(details)});
  }

  std::vector<AuditEntry> entries() const {
    absl::MutexLock lock(&mu_);
    return entries_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<AuditEntry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden::testing
