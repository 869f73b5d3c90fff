#include "tests/notifier/notifier_fixture.h"

#include <catch2/catch.hpp>

#include "common/await.h"
#include "common/random.h"
#include "glog/logging.h"
#include "storage/pg/migrator.h"

namespace warden::notifier::testing {
namespace {

storage::DatabaseOptions Options(const std::string& url) {
  storage::DatabaseOptions options;
  options.url = url;
  options.pool_size = 2;
  return options;
}

}  // namespace

absl::Time TestNow() { return absl::FromUnixMicros(1'700'000'000'000'000); }

Database::Database() {
  const absl::Status migrated = storage::ApplyMigrations(db_.url());
  INFO(migrated.ToString());
  REQUIRE(migrated.ok());
}

Replica::Replica(const std::string& url)
    : executor_(Options(url), RealClock::Get()), tokens_(executor_), schedule_(executor_) {}

TokenMetadata Replica::InsertToken(std::string name, absl::Time expires_at, bool revoked) {
  TokenMetadata token;
  token.id = NewUuidV4();
  token.name = std::move(name);
  token.roles = {"Analyst"};
  token.issued_at = TestNow() - absl::Hours(24 * 30);
  token.expires_at = expires_at;
  token.created_by = "user:admin";
  if (revoked) {
    token.revoked = true;
    token.revoked_at = TestNow() - absl::Hours(1);
  }
  const absl::Status status = Await<absl::Status>([&](auto done) { tokens_.Insert(token, done); });
  INFO(status.ToString());
  REQUIRE(status.ok());
  return token;
}

std::optional<absl::Time> Replica::LastRun() {
  absl::StatusOr<std::optional<absl::Time>> last = Await<absl::StatusOr<std::optional<absl::Time>>>(
      [&](auto done) { schedule_.LastRun(ExpirationNotifier::kJob, done); });
  REQUIRE(last.ok());
  return *last;
}

void RecordingSink::BeginRun(absl::Time) {
  absl::MutexLock lock(mu_.get());
  ++record_->begun;
}

void RecordingSink::Emit(const ExpiringTokenBatch& batch) {
  absl::MutexLock lock(mu_.get());
  record_->notices.insert(record_->notices.end(), batch.tokens.begin(), batch.tokens.end());
}

void RecordingSink::EndRun(const RunSummary& summary) {
  absl::MutexLock lock(mu_.get());
  ++record_->ended;
  record_->summaries.push_back(summary);
}

RecordedNotifier::RecordedNotifier(const NotifierConfig& config, Replica& replica,
                                   const Clock& clock,
                                   std::vector<std::unique_ptr<ExpirationSink>> extra) {
  std::vector<std::unique_ptr<ExpirationSink>> sinks = std::move(extra);
  sinks.push_back(std::make_unique<RecordingSink>(record, mu));
  notifier = std::make_unique<ExpirationNotifier>(config, replica.schedule(), replica.tokens(),
                                                  clock, std::move(sinks));
}

RecordingSink::Record RecordedNotifier::Snapshot() const {
  absl::MutexLock lock(mu.get());
  return *record;
}

class CapturedWarnings::Sink final : public google::LogSink {
 public:
  void send(google::LogSeverity severity, const char*, const char*, int, const struct ::tm*,
            const char* message, size_t message_len) override {
    if (severity != google::GLOG_WARNING) return;
    absl::MutexLock lock(&mu_);
    lines_.emplace_back(message, message_len);
  }
  std::vector<std::string> Lines() const {
    absl::MutexLock lock(&mu_);
    return lines_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

CapturedWarnings::CapturedWarnings() : sink_(std::make_unique<Sink>()) {
  google::AddLogSink(sink_.get());
}

CapturedWarnings::~CapturedWarnings() { google::RemoveLogSink(sink_.get()); }

std::vector<std::string> CapturedWarnings::Lines() const { return sink_->Lines(); }

std::vector<std::string> TokenWarnings(const CapturedWarnings& warnings) {
  std::vector<std::string> lines;
  for (std::string& line : warnings.Lines()) {
    if (line.rfind("API Token ", 0) == 0) lines.push_back(std::move(line));
  }
  return lines;
}

NotifierConfig TestConfig() {
  NotifierConfig config;
  config.window = absl::Hours(5);
  config.slice = absl::Hours(1);
  config.slice_name = "hour";
  config.backoff = absl::Hours(24);
  config.threads = 2;
  config.json_log = "off";
  return config;
}

}  // namespace warden::notifier::testing
