// AuditLog: every record written in order by its own writer thread, never by the caller of
// Record, and all of them on disk once the log is destroyed. A FakeClock; the writer is held
// by a stream whose writes the test controls (no sleeping).

#include "server/audit/audit_log.h"

#include <stdio.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "tests/support/fake_clock.h"

namespace warden {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000) + absl::Microseconds(250);

std::vector<nlohmann::json> ParseLines(const std::string& text) {
  std::vector<nlohmann::json> records;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    records.push_back(nlohmann::json::parse(line));
  }
  return records;
}

// A stream (fopencookie) that keeps what is written and which threads wrote it; its first
// write blocks until Release(), so the test can hold the writer thread inside a write.
class HeldStream {
 public:
  std::FILE* Open() {
    cookie_io_functions_t io{};
    io.write = [](void* self, const char* data, size_t size) -> ssize_t {
      return static_cast<HeldStream*>(self)->Write(data, size);
    };
    return fopencookie(this, "w", io);
  }
  void WaitUntilWriting() { writing_.WaitForNotification(); }
  void Release() { released_.Notify(); }
  std::string text() const {
    absl::MutexLock lock(&mu_);
    return text_;
  }
  std::vector<std::thread::id> writers() const {
    absl::MutexLock lock(&mu_);
    return writers_;
  }

 private:
  ssize_t Write(const char* data, size_t size) {
    if (!writing_.HasBeenNotified()) writing_.Notify();
    released_.WaitForNotification();
    absl::MutexLock lock(&mu_);
    writers_.push_back(std::this_thread::get_id());
    text_.append(data, size);
    return static_cast<ssize_t>(size);
  }

  absl::Notification writing_;
  absl::Notification released_;
  mutable absl::Mutex mu_;
  std::string text_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread::id> writers_ ABSL_GUARDED_BY(mu_);
};

TEST_CASE("every record is in the file, in order, once the log is destroyed") {
  char dir[] = "/tmp/warden-audit-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/audit.jsonl";
  FakeClock clock(kNow);
  constexpr int kRecords = 2000;
  {
    absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(path, clock);
    REQUIRE(log.ok());
    for (int i = 0; i < kRecords; ++i) {
      (*log)->Record("token.create", "user:admin", "id-" + std::to_string(i), {{"n", i}});
    }
  }  // destroyed: returns once everything is written
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::vector<nlohmann::json> records = ParseLines(text.str());
  REQUIRE(records.size() == kRecords);
  for (int i = 0; i < kRecords; ++i) {
    INFO(records[i].dump());
    CHECK(records[i]["n"] == i);
    CHECK(records[i]["target"] == "id-" + std::to_string(i));
    CHECK(records[i]["action"] == "token.create");
    CHECK(records[i]["actor"] == "user:admin");
    CHECK(records[i]["time"] == "2023-11-14T22:13:20.000250Z");
  }
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  std::filesystem::remove_all(dir);
}

TEST_CASE("Record queues and returns while the writer is stuck in a write") {
  FakeClock clock(kNow);
  HeldStream stream;
  std::FILE* file = stream.Open();
  REQUIRE(file != nullptr);
  {
    std::unique_ptr<AuditLog> log = AuditLog::ToStream(file, clock);
    log->Record("role.create", "user:admin", "first");
    stream.WaitUntilWriting();  // the writer holds "first" and cannot finish writing it
    // Were Record doing the I/O (or waiting for the writer), these would never return.
    log->Record("role.update", "user:admin", "second");
    log->Record("role.delete", "user:admin", "third");
    CHECK(log->pending() == 3);
    stream.Release();
  }
  const std::vector<nlohmann::json> records = ParseLines(stream.text());
  REQUIRE(records.size() == 3);
  CHECK(records[0]["target"] == "first");
  CHECK(records[1]["target"] == "second");
  CHECK(records[2]["target"] == "third");
  REQUIRE_FALSE(stream.writers().empty());
  for (std::thread::id writer : stream.writers()) CHECK(writer != std::this_thread::get_id());
}

}  // namespace
}  // namespace warden
