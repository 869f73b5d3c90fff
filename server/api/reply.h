#pragma once

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace warden {

// How every use case of the application layer (server/api/) answers: OK once the response
// is filled, or the error to send. Called exactly once, on any thread.
using ApiDone = std::function<void(absl::Status)>;

// A completion for a use case's result: on OK, `fill` first writes the value into the
// response, then `done` hears OK; an error goes to `done` as it is.
template <typename T, typename Fill>
std::function<void(absl::StatusOr<T>)> Reply(ApiDone done, Fill fill) {
  return [done = std::move(done), fill = std::move(fill)](absl::StatusOr<T> result) mutable {
    if (!result.ok()) return done(result.status());
    fill(*result);
    done(absl::OkStatus());
  };
}

}  // namespace warden
