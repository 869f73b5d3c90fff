#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/token.h"
#include "notifier/expiration_notifier.h"
#include "notifier/expiration_sink.h"
#include "notifier/notifier_config.h"
#include "storage/pg/executor.h"
#include "storage/schedule_store.h"
#include "storage/token_store.h"
#include "tests/support/test_database.h"

namespace warden::notifier::testing {

// A fixed instant with whole microseconds, so that stored times compare equal.
absl::Time TestNow();

// A fresh test database with the migrations applied (REQUIREs they apply).
class Database {
 public:
  Database();
  const std::string& url() const { return db_.url(); }

 private:
  warden::testing::TestDatabase db_;
};

// One server's storage on a shared test database: its own executor (connections) and stores.
// Two Replicas on one URL behave like two warden-server processes.
class Replica {
 public:
  explicit Replica(const std::string& url);
  storage::StorageExecutor& executor() { return executor_; }
  storage::TokenStore& tokens() { return tokens_; }
  storage::ScheduleStore& schedule() { return schedule_; }

  // Inserts a live token (role Analyst) expiring at `expires_at`; REQUIREs success.
  TokenMetadata InsertToken(std::string name, absl::Time expires_at, bool revoked = false);
  std::optional<absl::Time> LastRun();

 private:
  storage::StorageExecutor executor_;
  storage::TokenStore tokens_;
  storage::ScheduleStore schedule_;
};

// Records what a notifier gives its sinks. Thread-safe.
class RecordingSink final : public ExpirationSink {
 public:
  struct Record {
    int begun = 0;
    int ended = 0;
    std::vector<ExpiringTokenNotice> notices;
    std::vector<RunSummary> summaries;
  };
  // The sink writes into `record`, which outlives it (the notifier owns the sink).
  explicit RecordingSink(std::shared_ptr<Record> record, std::shared_ptr<absl::Mutex> mu)
      : record_(std::move(record)), mu_(std::move(mu)) {}
  void BeginRun(absl::Time) override;
  void Emit(const ExpiringTokenBatch& batch) override;
  void EndRun(const RunSummary& summary) override;

 private:
  std::shared_ptr<Record> record_;
  std::shared_ptr<absl::Mutex> mu_;
};

// A notifier with a RecordingSink (plus `extra` sinks), whose record the test reads.
struct RecordedNotifier {
  std::shared_ptr<RecordingSink::Record> record = std::make_shared<RecordingSink::Record>();
  std::shared_ptr<absl::Mutex> mu = std::make_shared<absl::Mutex>();
  std::unique_ptr<ExpirationNotifier> notifier;

  RecordedNotifier(const NotifierConfig& config, Replica& replica, const Clock& clock,
                   std::vector<std::unique_ptr<ExpirationSink>> extra = {});
  RecordingSink::Record Snapshot() const;
};

// Captures the text of glog WARNINGs while alive. (glog stays out of this header: its CHECK
// would replace Catch2's.)
class CapturedWarnings final {
 public:
  CapturedWarnings();
  ~CapturedWarnings();
  CapturedWarnings(const CapturedWarnings&) = delete;
  CapturedWarnings& operator=(const CapturedWarnings&) = delete;
  std::vector<std::string> Lines() const;

 private:
  class Sink;  // a google::LogSink
  std::unique_ptr<Sink> sink_;
};

// The captured warnings that are token expiry warnings ("API Token ..."), in order.
std::vector<std::string> TokenWarnings(const CapturedWarnings& warnings);

// A config for tests: 5h window, 1h slices named "hour", 24h backoff, 2 threads, no
// JSON log or webhook (tests add the sinks they want).
NotifierConfig TestConfig();

}  // namespace warden::notifier::testing
