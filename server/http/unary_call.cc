#include "server/http/unary_call.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/call_scope.h"

namespace warden::http {
namespace {

// Shared by the waiting HTTP thread and the callbacks, which may outlive the wait.
struct CallState {
  std::unique_ptr<google::protobuf::Message> request;
  std::shared_ptr<google::protobuf::Message> response;
  absl::Status status;  // written once, before `done` is notified
  absl::Notification done;

  void Finish(absl::Status result) {
    status = std::move(result);
    done.Notify();
  }
};

}  // namespace

UnaryAnswer Invoke(const CallGate& gate, const UnaryRoute& route,
                   const CallCredentials& credentials,
                   std::unique_ptr<google::protobuf::Message> request, absl::Duration timeout) {
  auto state = std::make_shared<CallState>();
  state->request = std::move(request);
  state->response.reset(route.response_prototype->New());
  auto finish = [state](absl::Status status) { state->Finish(std::move(status)); };
  // Database work the call queues is dropped once this stops waiting for it.
  auto scope = std::make_shared<CallScope>();
  scope->deadline = absl::Now() + timeout;
  if (Describe(route.method).anonymous) {
    absl::Status up = gate.CheckReady();
    if (!up.ok()) return UnaryAnswer{up, nullptr};
    ScopedCall call(scope);
    route.call(nullptr, *state->request, state->response.get(), finish);
  } else {
    gate.Admit(credentials, route.method,
               [state, &route, finish, scope](absl::StatusOr<Identity> caller) {
                 if (!caller.ok()) return finish(caller.status());
                 ScopedCall call(scope);
                 route.call(&*caller, *state->request, state->response.get(), finish);
               });
  }
  if (!state->done.WaitForNotificationWithTimeout(timeout)) {
    return UnaryAnswer{absl::DeadlineExceededError(absl::StrCat("the call did not finish within ",
                                                                absl::FormatDuration(timeout))),
                       nullptr};
  }
  return UnaryAnswer{state->status, state->status.ok() ? state->response : nullptr};
}

}  // namespace warden::http
