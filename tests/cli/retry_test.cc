// Retry policy and backoff, with a fake environment: no test sleeps.

#include "client/retry.h"

#include <catch2/catch.hpp>
#include <vector>

namespace warden {
namespace {

// Time moves only when the code under test sleeps; every sleep is recorded.
class FakeRetryEnvironment final : public RetryEnvironment {
 public:
  absl::Time Now() override { return now_; }
  void Sleep(absl::Duration duration) override {
    sleeps.push_back(duration);
    now_ += duration;
  }
  double UnitRandom() override { return random; }

  std::vector<absl::Duration> sleeps;
  double random = 0.5;  // no jitter: the factor is exactly 1

 private:
  absl::Time now_ = absl::FromUnixSeconds(1'000'000);
};

// An attempt that fails with `failures` in order, then succeeds; counts its calls.
struct ScriptedCall {
  std::vector<absl::Status> failures;
  int calls = 0;
  absl::Status operator()() {
    size_t call = calls++;
    return call < failures.size() ? failures[call] : absl::OkStatus();
  }
};

TEST_CASE("backoff doubles from the initial wait up to the cap") {
  RetryPolicy policy;  // 100 ms, x2, 2 s cap, jitter 0.2
  CHECK(BackoffDelay(policy, 1, 0.5) == absl::Milliseconds(100));
  CHECK(BackoffDelay(policy, 2, 0.5) == absl::Milliseconds(200));
  CHECK(BackoffDelay(policy, 3, 0.5) == absl::Milliseconds(400));
  CHECK(BackoffDelay(policy, 6, 0.5) == absl::Seconds(2));
  CHECK(BackoffDelay(policy, 60, 0.5) == absl::Seconds(2));
}

TEST_CASE("jitter spreads each wait within plus or minus the jitter fraction") {
  RetryPolicy policy;
  CHECK(BackoffDelay(policy, 2, 0.0) == absl::Milliseconds(160));
  CHECK(BackoffDelay(policy, 2, 0.999999) > absl::Milliseconds(239));
  CHECK(BackoffDelay(policy, 2, 0.999999) < absl::Milliseconds(240));
  policy.jitter = 0;
  CHECK(BackoffDelay(policy, 2, 0.0) == absl::Milliseconds(200));
}

TEST_CASE("only UNAVAILABLE is retried, and only for idempotent calls") {
  CHECK(IsRetryable(absl::StatusCode::kUnavailable, true));
  CHECK_FALSE(IsRetryable(absl::StatusCode::kUnavailable, false));
  CHECK_FALSE(IsRetryable(absl::StatusCode::kDeadlineExceeded, true));
  CHECK_FALSE(IsRetryable(absl::StatusCode::kUnauthenticated, true));
  CHECK_FALSE(IsRetryable(absl::StatusCode::kInternal, true));
}

TEST_CASE("an idempotent call is retried on UNAVAILABLE with growing waits") {
  FakeRetryEnvironment environment;
  ScriptedCall call{{absl::UnavailableError("down"), absl::UnavailableError("down")}};
  absl::Status status = RunWithRetry(RetryPolicy(), true, environment.Now() + absl::Seconds(10),
                                     environment, std::ref(call));
  CHECK(status.ok());
  CHECK(call.calls == 3);
  CHECK(environment.sleeps ==
        std::vector<absl::Duration>{absl::Milliseconds(100), absl::Milliseconds(200)});
}

TEST_CASE("retries stop after max_attempts with the last error") {
  FakeRetryEnvironment environment;
  ScriptedCall call{std::vector<absl::Status>(10, absl::UnavailableError("down"))};
  absl::Status status = RunWithRetry(RetryPolicy(), true, environment.Now() + absl::Seconds(10),
                                     environment, std::ref(call));
  CHECK(status.code() == absl::StatusCode::kUnavailable);
  CHECK(call.calls == 4);
  CHECK(environment.sleeps.size() == 3);
}

TEST_CASE("no retry for a call that is not idempotent or an answer that is not UNAVAILABLE") {
  FakeRetryEnvironment environment;
  ScriptedCall mint{{absl::UnavailableError("down")}};
  CHECK(RunWithRetry(RetryPolicy(), false, environment.Now() + absl::Seconds(10), environment,
                     std::ref(mint))
            .code() == absl::StatusCode::kUnavailable);
  CHECK(mint.calls == 1);
  ScriptedCall denied{{absl::PermissionDeniedError("no")}};
  CHECK(RunWithRetry(RetryPolicy(), true, environment.Now() + absl::Seconds(10), environment,
                     std::ref(denied))
            .code() == absl::StatusCode::kPermissionDenied);
  CHECK(denied.calls == 1);
  CHECK(environment.sleeps.empty());
}

TEST_CASE("no wait runs past the call's deadline") {
  FakeRetryEnvironment environment;
  ScriptedCall call{std::vector<absl::Status>(10, absl::UnavailableError("down"))};
  // 100 ms fits, then 200 ms would end at 300 ms, past the 250 ms deadline.
  absl::Status status =
      RunWithRetry(RetryPolicy(), true, environment.Now() + absl::Milliseconds(250), environment,
                   std::ref(call));
  CHECK(status.code() == absl::StatusCode::kUnavailable);
  CHECK(call.calls == 2);
  CHECK(environment.sleeps == std::vector<absl::Duration>{absl::Milliseconds(100)});
}

TEST_CASE("max_attempts 1 disables retries") {
  FakeRetryEnvironment environment;
  RetryPolicy policy;
  policy.max_attempts = 1;
  ScriptedCall call{{absl::UnavailableError("down")}};
  RunWithRetry(policy, true, environment.Now() + absl::Seconds(10), environment, std::ref(call))
      .IgnoreError();
  CHECK(call.calls == 1);
}

}  // namespace
}  // namespace warden
