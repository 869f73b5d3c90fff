#include "server/http/unary_call.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/call_scope.h"

namespace warden::http {
namespace {

// Shared by the waiting HTTP thread and the callbacks, which may outlive the wait. One
// allocation per call: the call's scope lives in it too (handed out by aliasing), and the
// callbacks capture only the pointer to it, which std::function holds without allocating.
struct CallState {
  CallScope scope;
  const UnaryRoute* route = nullptr;
  std::unique_ptr<google::protobuf::Message> request;
  std::shared_ptr<google::protobuf::Message> response;
  absl::Status status;  // written once, before `done` is notified
  absl::Notification done;

  void Finish(absl::Status result) {
    status = std::move(result);
    done.Notify();
  }
  // Runs the route as the call `state` (ScopedCall: database work it queues is dropped once
  // the wait is over), answering into `state`.
  static void Run(const std::shared_ptr<CallState>& state, const Identity* caller) {
    ScopedCall call(std::shared_ptr<const CallScope>(state, &state->scope));
    state->route->call(caller, *state->request, state->response.get(),
                       [state](absl::Status status) { state->Finish(std::move(status)); });
  }
};

}  // namespace

UnaryAnswer Invoke(const CallGate& gate, const UnaryRoute& route,
                   const CallCredentials& credentials,
                   std::unique_ptr<google::protobuf::Message> request, absl::Duration timeout) {
  if (Describe(route.method).anonymous) {
    if (absl::Status up = gate.CheckReady(); !up.ok()) return UnaryAnswer{up, nullptr};
  }
  auto state = std::make_shared<CallState>();
  state->scope.deadline = absl::Now() + timeout;
  state->route = &route;
  state->request = std::move(request);
  state->response.reset(route.response_prototype->New());
  if (Describe(route.method).anonymous) {
    CallState::Run(state, nullptr);
  } else {
    gate.Admit(credentials, route.method, [state](absl::StatusOr<Identity> caller) {
      if (!caller.ok()) return state->Finish(caller.status());
      CallState::Run(state, &*caller);
    });
  }
  // Returns at once when the call finished inline (the cache path of ValidateToken).
  if (!state->done.WaitForNotificationWithTimeout(timeout)) {
    return UnaryAnswer{absl::DeadlineExceededError(absl::StrCat("the call did not finish within ",
                                                                absl::FormatDuration(timeout))),
                       nullptr};
  }
  return UnaryAnswer{state->status, state->status.ok() ? state->response : nullptr};
}

}  // namespace warden::http
