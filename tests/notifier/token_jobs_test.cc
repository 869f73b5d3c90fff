// The background token jobs of issue 18 against a real PostgreSQL, with a FakeClock: the
// inactivity revoker (warning one window ahead, revocation after the timeout, once per fleet)
// and the retention purger (once per fleet, counting each row once); and the expiration
// notifier and the revoker taking turns on shared sinks. Nothing sleeps.

#include <algorithm>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "common/random.h"
#include "notifier/expiration_notifier.h"
#include "notifier/expired_token_purger.h"
#include "notifier/inactive_token_revoker.h"
#include "notifier/log_sink.h"
#include "storage/pg/migrator.h"
#include "storage/token_sweep_store.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_database.h"

namespace warden::notifier::testing {
namespace {

const absl::Duration kDay = absl::Hours(24);

TokenMetadata Insert(Replica& replica, std::string name, absl::Time issued_at,
                     absl::Time expires_at) {
  TokenMetadata token;
  token.id = NewUuidV4();
  token.name = std::move(name);
  token.roles = {"Analyst"};
  token.issued_at = issued_at;
  token.expires_at = expires_at;
  token.created_by = "user:admin";
  const absl::Status status =
      Await<absl::Status>([&](auto done) { replica.tokens().Insert(token, done); });
  INFO(status.ToString());
  REQUIRE(status.ok());
  return token;
}

TokenMetadata Get(Replica& replica, const std::string& id) {
  absl::StatusOr<TokenMetadata> token =
      Await<absl::StatusOr<TokenMetadata>>([&](auto done) { replica.tokens().Get(id, done); });
  REQUIRE(token.ok());
  return *token;
}

// A 48h timeout, warned 5h ahead in 1h slices; runs at most once an hour in the fleet.
NotifierConfig InactivityConfig() {
  NotifierConfig config = TestConfig();
  config.inactivity_timeout = absl::Hours(48);
  config.backoff = absl::Hours(1);
  return config;
}

// One replica's revoker, with the sinks a server gives it (the log) and a recording one, and
// the revocations it reported for the audit trail.
struct RecordedRevoker {
  std::shared_ptr<RecordingSink::Record> record = std::make_shared<RecordingSink::Record>();
  std::shared_ptr<absl::Mutex> mu = std::make_shared<absl::Mutex>();
  std::vector<std::string> revoked_ids ABSL_GUARDED_BY(*mu);
  storage::TokenSweepStore sweep;
  std::unique_ptr<InactiveTokenRevoker> revoker;

  RecordedRevoker(const NotifierConfig& config, Replica& replica, const Clock& clock)
      : sweep(replica.executor()) {
    std::vector<std::unique_ptr<ExpirationSink>> sinks;
    sinks.push_back(std::make_unique<LogSink>());
    sinks.push_back(std::make_unique<RecordingSink>(record, mu));
    revoker = std::make_unique<InactiveTokenRevoker>(
        config, replica.schedule(), sweep, clock, std::make_shared<NoticeSinks>(std::move(sinks)),
        [this](const storage::IdleToken& token, absl::Time) {
          absl::MutexLock lock(mu.get());
          revoked_ids.push_back(token.id);
        });
  }
  RecordingSink::Record Snapshot() const {
    absl::MutexLock lock(mu.get());
    return *record;
  }
  std::vector<std::string> Revoked() const {
    absl::MutexLock lock(mu.get());
    return revoked_ids;
  }
};

TEST_CASE("an unused token is warned about one window ahead, then revoked after the timeout",
          "[notifier][inactivity][token_jobs]") {
  Database database;
  Replica replica(database.url());
  const absl::Time t0 = TestNow();
  FakeClock clock(t0 + absl::Hours(42));
  const TokenMetadata idle = Insert(replica, "idle", t0, t0 + 365 * kDay);
  const TokenMetadata used = Insert(replica, "used", t0, t0 + 365 * kDay);
  const TokenMetadata expiring = Insert(replica, "expires first", t0, t0 + absl::Hours(46));
  absl::StatusOr<int> recorded = Await<absl::StatusOr<int>>([&](auto done) {
    replica.tokens().RecordUses({storage::TokenUse{used.id, t0 + absl::Hours(40)}}, done);
  });
  REQUIRE(recorded.ok());
  CapturedWarnings warnings;
  RecordedRevoker revoker(InactivityConfig(), replica, clock);

  // Idle for 42h: more than 5h from the 48h timeout, nothing to say.
  absl::StatusOr<InactivityReport> report = revoker.revoker->RunOnce();
  REQUIRE(report.ok());
  CHECK(report->claimed);
  CHECK(report->complete);
  CHECK(report->tokens_warned == 0);
  CHECK(report->tokens_revoked == 0);

  // Idle for 44h: the warning, through the sinks, as a log line and a notice of its kind.
  clock.Set(t0 + absl::Hours(44));
  report = revoker.revoker->RunOnce();
  REQUIRE(report.ok());
  CHECK(report->claimed);
  CHECK(report->tokens_warned == 1);
  CHECK(report->tokens_revoked == 0);
  const std::string message = "API Token idle (ID " + idle.id +
                              ") has not been used for 1 day and will be revoked in less than "
                              "4 hours.";
  CHECK(TokenWarnings(warnings) == std::vector<std::string>{message});
  RecordingSink::Record record = revoker.Snapshot();
  REQUIRE(record.notices.size() == 1);
  CHECK(record.notices[0].kind == NoticeKind::kInactive);
  CHECK(record.notices[0].token_id == idle.id);
  CHECK(record.notices[0].message == message);
  CHECK(record.notices[0].revoke_after == t0 + absl::Hours(48));
  CHECK(record.notices[0].idle_days == 1);
  CHECK_FALSE(record.notices[0].last_used_at.has_value());
  REQUIRE(record.summaries.size() == 2);
  CHECK(record.summaries[1].kind == NoticeKind::kInactive);
  CHECK(record.summaries[1].window == absl::Hours(5));
  CHECK(record.summaries[1].tokens == 1);
  CHECK_FALSE(Get(replica, idle.id).revoked);

  // Past the timeout: revoked, reported for the audit trail, and logged.
  clock.Set(t0 + absl::Hours(48) + absl::Minutes(1));
  report = revoker.revoker->RunOnce();
  REQUIRE(report.ok());
  CHECK(report->claimed);
  CHECK(report->tokens_revoked == 1);
  CHECK(revoker.revoker->revoked_total() == 1);
  CHECK(revoker.Revoked() == std::vector<std::string>{idle.id});
  const TokenMetadata row = Get(replica, idle.id);
  CHECK(row.revoked);
  CHECK(row.revoked_at == t0 + absl::Hours(48) + absl::Minutes(1));
  CHECK_FALSE(Get(replica, used.id).revoked);
  CHECK_FALSE(Get(replica, expiring.id).revoked);  // it expired instead
  bool logged = false;
  for (const std::string& line : warnings.Lines()) {
    logged = logged || line == "Revoked API Token idle (ID " + idle.id +
                                   "): neither used nor issued for 2 days "
                                   "(WARDEN_TOKEN_INACTIVITY_TIMEOUT 48h)";
  }
  CHECK(logged);
}

TEST_CASE("two replicas' revokers on one database revoke once between them",
          "[notifier][inactivity][token_jobs]") {
  Database database;
  Replica a(database.url());
  Replica b(database.url());
  const absl::Time t0 = TestNow();
  FakeClock clock(t0 + 10 * kDay);
  std::set<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    ids.insert(Insert(a, absl::StrCat("idle ", i), t0 + absl::Minutes(i), t0 + 365 * kDay).id);
  }
  NotifierConfig config = InactivityConfig();
  config.inactivity_batch = 5;  // three pages, three transactions
  RecordedRevoker on_a(config, a, clock);
  RecordedRevoker on_b(config, b, clock);
  for (int wake = 0; wake < 2; ++wake) {
    INFO("wake " << wake);
    absl::StatusOr<InactivityReport> ra, rb;
    std::thread ta([&] { ra = on_a.revoker->RunOnce(); });
    std::thread tb([&] { rb = on_b.revoker->RunOnce(); });
    ta.join();
    tb.join();
    REQUIRE(ra.ok());
    REQUIRE(rb.ok());
    CHECK(int{ra->claimed} + int{rb->claimed} == (wake == 0 ? 1 : 0));
    clock.Advance(absl::Minutes(30));  // within the 1h backoff
  }
  std::vector<std::string> revoked = on_a.Revoked();
  for (const std::string& id : on_b.Revoked()) revoked.push_back(id);
  std::sort(revoked.begin(), revoked.end());
  CHECK(revoked == std::vector<std::string>(ids.begin(), ids.end()));  // each once
  CHECK(on_a.revoker->revoked_total() + on_b.revoker->revoked_total() == 12);
  for (const std::string& id : ids) CHECK(Get(a, id).revoked);
}

// `count` tokens whose strings expired `age` ago, flagged by the expiry sweep.
void InsertExpired(const std::string& url, int count, absl::Time now, absl::Duration age) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec0(absl::StrCat(R"sql(
INSERT INTO tokens (id, name, roles, issued_at, expires_at, created_by, expired)
SELECT gen_random_uuid(), 'old ' || i, ARRAY['Analyst'], t - interval '1 year', t, 'user:admin',
       true
FROM generate_series(1, )sql",
                        count, R"sql() AS i,
     (SELECT 'epoch'::timestamptz + )sql",
                        absl::ToUnixMicros(now - age),
                        R"sql( * interval '1 microsecond' AS t) AS c)sql"));
  tx.commit();
}

int64_t CountTokens(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx.exec1("SELECT count(*) FROM tokens")[0].as<int64_t>();
}

TEST_CASE("two replicas' purgers delete the rows past retention once, counting each once",
          "[notifier][retention][token_jobs]") {
  Database database;
  Replica a(database.url());
  Replica b(database.url());
  const absl::Time now = TestNow();
  FakeClock clock(now);
  InsertExpired(database.url(), 2500, now, 31 * kDay);  // past the 30-day retention
  InsertExpired(database.url(), 10, now, 29 * kDay);    // not yet
  NotifierConfig config = TestConfig();
  config.retention = 30 * kDay;
  storage::TokenSweepStore sweep_a(a.executor());
  storage::TokenSweepStore sweep_b(b.executor());
  ExpiredTokenPurger on_a(config, a.schedule(), sweep_a, clock);
  ExpiredTokenPurger on_b(config, b.schedule(), sweep_b, clock);

  absl::StatusOr<PurgeReport> ra, rb;
  std::thread ta([&] { ra = on_a.RunOnce(); });
  std::thread tb([&] { rb = on_b.RunOnce(); });
  ta.join();
  tb.join();
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  REQUIRE(int{ra->claimed} + int{rb->claimed} == 1);
  const PurgeReport& winner = ra->claimed ? *ra : *rb;
  CHECK(winner.complete);
  CHECK(winner.tokens_deleted == 2500);
  CHECK(winner.batches == 3);  // 1000, 1000, 500
  CHECK(on_a.deleted_total() + on_b.deleted_total() == 2500);
  CHECK(CountTokens(database.url()) == 10);

  // Within the backoff nobody runs; a day later the 10 rows are past retention too.
  clock.Advance(absl::Hours(23));
  CHECK_FALSE(on_a.RunOnce()->claimed);
  CHECK_FALSE(on_b.RunOnce()->claimed);
  clock.Advance(absl::Hours(1) + kDay);
  absl::StatusOr<PurgeReport> later = on_b.RunOnce();
  REQUIRE(later.ok());
  CHECK(later->claimed);
  CHECK(later->tokens_deleted == 10);
  CHECK(CountTokens(database.url()) == 0);
}

// Records the order of BeginRun and EndRun calls across the jobs sharing it.
class SequenceSink final : public ExpirationSink {
 public:
  void BeginRun(absl::Time) override {
    absl::MutexLock lock(&mu_);
    events_ += "B";
  }
  void Emit(const ExpiringTokenBatch&) override {}
  void EndRun(const RunSummary& summary) override {
    absl::MutexLock lock(&mu_);
    events_ += summary.kind == NoticeKind::kInactive ? "i" : "e";
  }
  std::string events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }

 private:
  mutable absl::Mutex mu_;
  std::string events_ ABSL_GUARDED_BY(mu_);
};

TEST_CASE("the expiration notifier and the inactivity revoker take turns on shared sinks",
          "[notifier][inactivity][token_jobs]") {
  Database database;
  Replica replica(database.url());
  FakeClock clock(TestNow());
  for (int i = 0; i < 20; ++i) {
    Insert(replica, absl::StrCat("t", i), TestNow() - 10 * kDay, TestNow() + absl::Hours(2));
  }
  NotifierConfig config = InactivityConfig();
  config.backoff = absl::ZeroDuration();  // every wake runs
  config.page_size = 3;
  auto sequence = std::make_unique<SequenceSink>();
  SequenceSink* events = sequence.get();
  std::vector<std::unique_ptr<ExpirationSink>> list;
  list.push_back(std::move(sequence));
  auto sinks = std::make_shared<NoticeSinks>(std::move(list));
  storage::TokenSweepStore sweep(replica.executor());
  ExpirationNotifier notifier(config, replica.schedule(), replica.tokens(), clock, sinks);
  InactiveTokenRevoker revoker(config, replica.schedule(), sweep, clock, sinks, nullptr);
  for (int round = 0; round < 5; ++round) {
    absl::Status notified, revoked;
    std::thread tn([&] { notified = notifier.RunOnce().status(); });
    std::thread tr([&] { revoked = revoker.RunOnce().status(); });
    tn.join();
    tr.join();
    REQUIRE(notified.ok());
    REQUIRE(revoked.ok());
  }
  const std::string seen = events->events();
  INFO(seen);
  REQUIRE(seen.size() == 20);
  for (size_t i = 0; i < seen.size(); i += 2) {
    CHECK(seen[i] == 'B');  // every run ends before the next begins
    CHECK(seen[i + 1] != 'B');
  }
  CHECK(std::count(seen.begin(), seen.end(), 'e') == 5);
  CHECK(std::count(seen.begin(), seen.end(), 'i') == 5);
}

}  // namespace
}  // namespace warden::notifier::testing
