#include "common/call_scope.h"

#include <utility>

namespace warden {
namespace {

thread_local std::shared_ptr<const CallScope> current_call;

}  // namespace

std::shared_ptr<const CallScope> CurrentCall() { return current_call; }

ScopedCall::ScopedCall(std::shared_ptr<const CallScope> scope)
    : previous_(std::exchange(current_call, std::move(scope))) {}

ScopedCall::~ScopedCall() { current_call = std::move(previous_); }

}  // namespace warden
