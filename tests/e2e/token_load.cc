#include "tests/e2e/token_load.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <deque>

#include "warden/v1/token.grpc.pb.h"

namespace warden::testing {

TokenLoad::TokenLoad(const std::string& address, std::string authorization, int threads,
                     absl::Duration deadline)
    : address_(address), authorization_(std::move(authorization)), deadline_(deadline) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Run(i); });
}

TokenLoad::~TokenLoad() { Stop(); }

size_t TokenLoad::Answered() const {
  absl::MutexLock lock(&mu_);
  return calls_.size();
}

bool TokenLoad::WaitFor(size_t since, const std::function<bool(const LoadCall&)>& match, int count,
                        absl::Duration timeout) const {
  auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    int found = 0;
    for (size_t i = since; i < calls_.size(); ++i) found += match(calls_[i]) ? 1 : 0;
    return found >= count;
  };
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

std::vector<LoadCall> TokenLoad::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  absl::MutexLock lock(&mu_);
  return calls_;
}

void TokenLoad::Record(LoadCall call) {
  absl::MutexLock lock(&mu_);
  calls_.push_back(std::move(call));
}

void TokenLoad::Run(int thread) {
  // Each thread its own channel, reconnecting quickly once the server is back (gRPC's
  // default backoff grows to minutes).
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  args.SetInt("load.thread", thread);  // distinct arguments: a channel (and socket) per thread
  auto stub = v1::TokenService::NewStub(
      grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args));
  std::deque<std::string> to_revoke;
  for (int n = 0;; ++n) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    LoadCall call;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
    context.AddMetadata("authorization", authorization_);
    grpc::Status status;
    if (n % 2 == 1 && !to_revoke.empty()) {
      call.kind = LoadCall::Kind::kRevoke;
      call.id = to_revoke.front();
      to_revoke.pop_front();
      v1::RevokeTokenRequest request;
      request.set_id(call.id);
      v1::RevokeTokenResponse response;
      status = stub->RevokeToken(&context, request, &response);
      if (!status.ok()) to_revoke.push_back(call.id);  // try again later
    } else {
      call.kind = LoadCall::Kind::kGenerate;
      v1::GenerateTokenRequest request;
      request.set_name("load " + std::to_string(thread) + "-" + std::to_string(n));
      request.add_roles("Analyst");
      v1::GenerateTokenResponse response;
      status = stub->GenerateToken(&context, request, &response);
      if (status.ok()) {
        call.id = response.metadata().id();
        call.token = response.token();
        if (n % 4 == 0) to_revoke.push_back(call.id);  // revoke about half of them
      }
    }
    call.code = status.error_code();
    call.message = status.error_message();
    const bool failed = !status.ok();
    Record(std::move(call));
    // A client's retry backoff after a failure, so that a dead server is not spun on.
    if (failed) absl::SleepFor(absl::Milliseconds(50));
  }
}

std::function<bool(const LoadCall&)> Succeeded(LoadCall::Kind kind) {
  return [kind](const LoadCall& call) {
    return call.kind == kind && call.code == grpc::StatusCode::OK;
  };
}

bool Failed(const LoadCall& call) { return call.code != grpc::StatusCode::OK; }

}  // namespace warden::testing
