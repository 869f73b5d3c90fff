#pragma once

#include <memory>

#include "common/clock.h"
#include "notifier/expired_token_purger.h"
#include "notifier/inactive_token_revoker.h"
#include "notifier/notice_sinks.h"
#include "notifier/notifier_config.h"
#include "server/audit/audit_trail.h"
#include "server/metrics/metrics.h"
#include "storage/pg/executor.h"
#include "storage/schedule_store.h"
#include "storage/token_sweep_store.h"
#include "validation/revocation_view.h"

namespace warden {

// The background token jobs of issue 18 as the server runs them, wired to the server's
// parts: the inactivity revoker (only with WARDEN_TOKEN_INACTIVITY_TIMEOUT) and the
// retention purger, on the storage executor, sharing the notifier's sinks. A token the
// revoker revokes is audited ("token.revoke" by actor "warden", reason "inactive") and
// refused by this replica's revocation view at once; the other replicas learn it from the
// NOTIFY the revocation sends. Metrics: warden_tokens_revoked_inactive_total,
// warden_tokens_deleted_total.
//
// Lifetime: everything given to the constructor outlives this object; Stop() before the
// storage executor shuts down. Start and Stop from one thread.
class TokenJobs final {
 public:
  TokenJobs(const notifier::NotifierConfig& config, storage::StorageExecutor& executor,
            storage::ScheduleStore& schedule, std::shared_ptr<notifier::NoticeSinks> sinks,
            AuditTrail& audit, RevocationView& revocations, const Clock& clock);

  // Adds the jobs' counters. REQUIRES: before metrics.Serve().
  void AddMetrics(Metrics& metrics);
  // Starts the jobs' loops: each runs at once (the database is ready), then every interval.
  void Start();
  // Stops them. Idempotent.
  void Stop();

 private:
  storage::TokenSweepStore sweep_;
  std::unique_ptr<notifier::InactiveTokenRevoker> revoker_;  // null: inactivity timeout off
  notifier::ExpiredTokenPurger purger_;
};

}  // namespace warden
