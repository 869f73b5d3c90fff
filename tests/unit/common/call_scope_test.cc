// The ambient call scope: set for a hand-over to application code, restored after, and
// never seen by another thread.

#include "common/call_scope.h"

#include <catch2/catch.hpp>
#include <memory>
#include <thread>

#include "absl/time/time.h"

namespace warden {
namespace {

std::shared_ptr<const CallScope> CallUntil(absl::Time deadline) {
  auto call = std::make_shared<CallScope>();
  call->deadline = deadline;
  return call;
}

TEST_CASE("a scoped call is current on its thread only, and nested ones restore the outer") {
  CHECK(CurrentCall() == nullptr);
  std::shared_ptr<const CallScope> outer = CallUntil(absl::UnixEpoch());
  std::shared_ptr<const CallScope> inner = CallUntil(absl::InfiniteFuture());
  {
    ScopedCall outer_call(outer);
    CHECK(CurrentCall() == outer);
    {
      ScopedCall inner_call(inner);
      CHECK(CurrentCall() == inner);
    }
    CHECK(CurrentCall() == outer);
    std::shared_ptr<const CallScope> seen_elsewhere = outer;
    std::thread([&seen_elsewhere] { seen_elsewhere = CurrentCall(); }).join();
    CHECK(seen_elsewhere == nullptr);
  }
  CHECK(CurrentCall() == nullptr);
}

TEST_CASE("a call without a cancellation test is never cancelled") {
  CallScope call;
  CHECK(call.deadline == absl::InfiniteFuture());
  CHECK_FALSE(call.Cancelled());
  bool gone = false;
  call.cancelled = [&gone] { return gone; };
  CHECK_FALSE(call.Cancelled());
  gone = true;
  CHECK(call.Cancelled());
}

}  // namespace
}  // namespace warden
