// UsageRecorder: throttled recording, batched flushes, failures and the memory bound, with
// a FakeClock and a fake batch writer (no database, no sleeping).

#include "server/tokens/usage_recorder.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/random.h"
#include "tests/support/fake_clock.h"

namespace warden {
namespace {

using storage::TokenUse;

// Stands in for TokenStore::RecordUses: keeps every batch, and fails the next
// `failures` batches with `failure`.
class FakeWriter {
 public:
  UsageRecorder::WriteBatch Write() {
    return [this](std::vector<TokenUse> uses, std::function<void(absl::Status)> done) {
      absl::MutexLock lock(&mu_);
      if (failures_ > 0) {
        --failures_;
        ++failed_;
        return done(failure_);
      }
      for (const TokenUse& use : uses) {
        absl::Time& stored = stored_[use.id];
        stored = std::max(stored, use.used_at);  // what the store does: never backwards
      }
      batches_.push_back(std::move(uses));
      done(absl::OkStatus());
    };
  }
  void FailNext(int batches, absl::Status failure = absl::UnavailableError("database down")) {
    absl::MutexLock lock(&mu_);
    failures_ = batches;
    failure_ = failure;
  }
  std::vector<std::vector<TokenUse>> TakeBatches() {
    absl::MutexLock lock(&mu_);
    return std::exchange(batches_, {});
  }
  std::map<std::string, absl::Time> stored() {
    absl::MutexLock lock(&mu_);
    return stored_;
  }
  int failed() {
    absl::MutexLock lock(&mu_);
    return failed_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::vector<TokenUse>> batches_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Time> stored_ ABSL_GUARDED_BY(mu_);
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  int failed_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

Identity ApiToken(std::string id) {
  Identity identity;
  identity.kind = IdentityKind::kApiToken;
  identity.id = std::move(id);
  identity.name = "ci";
  identity.roles = {"Analyst"};
  return identity;
}

std::vector<TokenUse> Flatten(const std::vector<std::vector<TokenUse>>& batches) {
  std::vector<TokenUse> all;
  for (const auto& batch : batches) all.insert(all.end(), batch.begin(), batch.end());
  return all;
}

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

TEST_CASE("a token's use is recorded at most once a minute, and a busy token is only read") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder recorder(clock, {}, writer.Write());
  const std::string id = NewUuidV4();

  recorder.RecordUse(ApiToken(id));
  clock.Advance(absl::Seconds(20));
  recorder.RecordUse(ApiToken(id));  // within the minute: nothing new
  CHECK(recorder.stats().pending == 1);
  REQUIRE(recorder.Flush().ok());
  std::vector<TokenUse> written = Flatten(writer.TakeBatches());
  REQUIRE(written.size() == 1);
  CHECK(written[0].id == id);
  CHECK(written[0].used_at == kStart);

  // Still within a minute of the recorded use: neither recorded nor written again.
  clock.Advance(absl::Seconds(39));
  recorder.RecordUse(ApiToken(id));
  REQUIRE(recorder.Flush().ok());
  CHECK(writer.TakeBatches().empty());

  clock.Advance(absl::Seconds(1));  // a minute after the recorded use
  recorder.RecordUse(ApiToken(id));
  REQUIRE(recorder.Flush().ok());
  written = Flatten(writer.TakeBatches());
  REQUIRE(written.size() == 1);
  CHECK(written[0].used_at == kStart + absl::Minutes(1));
  CHECK(recorder.stats().pending == 0);
}

TEST_CASE("a recorder never trusts what a thread remembers of another recorder's uses") {
  // Each validating thread remembers recent uses to skip the shared maps; those memories
  // belong to one recorder. A new recorder (even at the same address) records afresh.
  FakeClock clock(kStart);
  const std::string id = NewUuidV4();
  for (int i = 0; i < 3; ++i) {
    FakeWriter writer;
    UsageRecorder recorder(clock, {}, writer.Write());
    recorder.RecordUse(ApiToken(id));
    recorder.RecordUse(ApiToken(id));
    CHECK(recorder.stats().pending == 1);
    REQUIRE(recorder.Flush().ok());
    CHECK(Flatten(writer.TakeBatches()).size() == 1);
  }
}

TEST_CASE("a token used on many threads is recorded once, then each thread only reads") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder recorder(clock, {}, writer.Write());
  const std::string id = NewUuidV4();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) recorder.RecordUse(ApiToken(id));
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(recorder.stats().pending == 1);
  REQUIRE(recorder.Flush().ok());
  CHECK(Flatten(writer.TakeBatches()).size() == 1);
  // A minute later every thread records again, whatever it remembered.
  clock.Advance(absl::Minutes(1));
  std::thread later([&] { recorder.RecordUse(ApiToken(id)); });
  later.join();
  CHECK(recorder.stats().pending == 1);
}

TEST_CASE("only stored Warden tokens with UUID ids are recorded") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder recorder(clock, {}, writer.Write());
  Identity admin;
  admin.kind = IdentityKind::kAdmin;
  admin.id = "admin";
  recorder.RecordUse(admin);
  Identity exchanged = ApiToken(NewUuidV4());  // exchanged for an ID token: never stored
  exchanged.kind = IdentityKind::kM2m;
  recorder.RecordUse(exchanged);
  recorder.RecordUse(ApiToken("not-a-uuid"));
  recorder.RecordUse(ApiToken(NewUuidV4() + "0"));
  recorder.RecordUse(ApiToken(""));
  CHECK(recorder.stats().pending == 0);

  // Upper case is the same id, written in the canonical lower case form.
  recorder.RecordUse(ApiToken("5F0C3F5E-8D2A-4B5E-9A51-0C1D2E3F4A5B"));
  recorder.RecordUse(ApiToken("5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b"));
  REQUIRE(recorder.Flush().ok());
  std::vector<TokenUse> written = Flatten(writer.TakeBatches());
  REQUIRE(written.size() == 1);
  CHECK(written[0].id == "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b");
}

TEST_CASE("a flush writes every pending use once, in batches of batch_size") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder::Options options;
  options.batch_size = 1000;
  UsageRecorder recorder(clock, options, writer.Write());
  std::set<std::string> ids;
  for (int i = 0; i < 2500; ++i) {
    ids.insert(NewUuidV4());
  }
  for (const std::string& id : ids) recorder.RecordUse(ApiToken(id));
  CHECK(recorder.stats().pending == 2500);

  REQUIRE(recorder.Flush().ok());
  std::vector<std::vector<TokenUse>> batches = writer.TakeBatches();
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].size() == 1000);
  CHECK(batches[1].size() == 1000);
  CHECK(batches[2].size() == 500);
  std::set<std::string> written;
  for (const TokenUse& use : Flatten(batches)) written.insert(use.id);
  CHECK(written == ids);
  CHECK(recorder.stats().pending == 0);

  REQUIRE(recorder.Flush().ok());  // nothing left: no empty batches
  CHECK(writer.TakeBatches().empty());
}

TEST_CASE("a failed flush keeps its uses for the next one, with any newer use") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder::Options options;
  options.batch_size = 2;
  UsageRecorder recorder(clock, options, writer.Write());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(NewUuidV4());
  for (const std::string& id : ids) recorder.RecordUse(ApiToken(id));

  // The first of three batches fails: the flush stops there and all five stay pending.
  writer.FailNext(1);
  REQUIRE(recorder.Flush().code() == absl::StatusCode::kUnavailable);
  CHECK(writer.TakeBatches().empty());  // the first batch failed
  CHECK(recorder.stats().pending == 5);

  // The database is still down a minute later, when one token is used again.
  clock.Advance(absl::Minutes(2));
  recorder.RecordUse(ApiToken(ids[0]));
  writer.FailNext(1);
  CHECK_FALSE(recorder.Flush().ok());
  CHECK(recorder.stats().pending == 5);

  // Back: everything is written, the token used again with its newer time.
  REQUIRE(recorder.Flush().ok());
  std::map<std::string, absl::Time> stored = writer.stored();
  REQUIRE(stored.size() == 5);
  CHECK(stored[ids[0]] == kStart + absl::Minutes(2));
  for (size_t i = 1; i < ids.size(); ++i) CHECK(stored[ids[i]] == kStart);
  CHECK(recorder.stats().pending == 0);
  CHECK(writer.failed() == 2);
}

TEST_CASE("a flush that fails midway keeps the failed batch and those not tried") {
  FakeClock clock(kStart);
  UsageRecorder::Options options;
  options.batch_size = 2;
  // Lets the first batch through, then fails: the other 4 uses stay.
  bool first = true;
  UsageRecorder partial(clock, options,
                        [&](std::vector<TokenUse> uses, std::function<void(absl::Status)> done) {
                          if (first) {
                            first = false;
                            return done(absl::OkStatus());
                          }
                          done(absl::UnavailableError("connection lost"));
                        });
  for (int i = 0; i < 6; ++i) partial.RecordUse(ApiToken(NewUuidV4()));
  CHECK(partial.Flush().code() == absl::StatusCode::kUnavailable);
  CHECK(partial.stats().pending == 4);
  first = true;
  REQUIRE(partial.Flush().code() == absl::StatusCode::kUnavailable);
  CHECK(partial.stats().pending == 2);
}

TEST_CASE("written tokens are forgotten once the minute is over") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder recorder(clock, {}, writer.Write());
  for (int i = 0; i < 10; ++i) recorder.RecordUse(ApiToken(NewUuidV4()));
  REQUIRE(recorder.Flush().ok());
  CHECK(recorder.stats().tokens == 10);  // kept: they must not be recorded again too soon
  clock.Advance(absl::Minutes(1));
  REQUIRE(recorder.Flush().ok());
  CHECK(recorder.stats().tokens == 0);
}

TEST_CASE("memory is bounded: past max_tokens the oldest unwritten uses are dropped, counted") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder::Options options;
  options.max_tokens = UsageRecorder::kShards * 8;  // 8 per shard
  UsageRecorder recorder(clock, options, writer.Write());
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back(NewUuidV4());
    recorder.RecordUse(ApiToken(ids.back()));
    clock.Advance(absl::Milliseconds(1));
  }
  UsageRecorder::Stats stats = recorder.stats();
  CHECK(stats.tokens <= options.max_tokens);
  CHECK(stats.pending == stats.tokens);
  CHECK(stats.dropped == 1000 - stats.pending);
  CHECK(stats.dropped > 800);

  REQUIRE(recorder.Flush().ok());
  std::map<std::string, absl::Time> stored = writer.stored();
  CHECK(stored.size() == stats.pending);
  CHECK(stored.count(ids.back()) == 1);   // the newest use survives
  CHECK(stored.count(ids.front()) == 0);  // the oldest was dropped
  for (const auto& [id, used_at] : stored) CHECK(used_at >= kStart + absl::Milliseconds(500));
}

TEST_CASE("threads recording the same tokens at once record each once") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder recorder(clock, {}, writer.Write());
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(NewUuidV4());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 100; ++round) {
        for (const std::string& id : ids) recorder.RecordUse(ApiToken(id));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(recorder.stats().pending == 50);
  REQUIRE(recorder.Flush().ok());
  CHECK(Flatten(writer.TakeBatches()).size() == 50);
}

TEST_CASE("Stop flushes what is pending, and without Start it writes nothing") {
  FakeClock clock(kStart);
  FakeWriter writer;
  UsageRecorder::Options options;
  options.flush_interval = absl::Hours(1);  // the thread never flushes on its own here
  {
    UsageRecorder recorder(clock, options, writer.Write());
    recorder.Start();
    recorder.RecordUse(ApiToken(NewUuidV4()));
    recorder.Stop();
    CHECK(writer.stored().size() == 1);
    recorder.RecordUse(ApiToken(NewUuidV4()));
    recorder.Stop();  // again: nothing more
  }
  CHECK(writer.stored().size() == 1);
  {
    UsageRecorder never_started(clock, options, writer.Write());
    never_started.RecordUse(ApiToken(NewUuidV4()));
  }
  CHECK(writer.stored().size() == 1);
}

}  // namespace
}  // namespace warden
