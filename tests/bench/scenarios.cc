#include "tests/bench/scenarios.h"

#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/bench/echo.grpc.pb.h"
#include "warden/v1/auth.grpc.pb.h"
#include "warden/v1/token.grpc.pb.h"

namespace warden::bench {
namespace {

// Unary calls of one method of `Service`: one stub per channel, and per slot a request and
// a response reused from call to call (a slot has one call in flight at a time).
template <typename Service, typename Request, typename Response>
class UnaryCalls final : public CallFactory {
 public:
  using Stub = typename Service::Stub;
  // Writes call `sequence`'s request for `slot`. The slot's previous request and the answer
  // to it (empty before the first call, unchanged after a failed call) are still there.
  using Fill =
      std::function<void(int slot, uint64_t sequence, const Response& previous, Request& request)>;
  // Starts the call with the stub's callback API: stub.async()->Method(...).
  using Invoke =
      std::function<void(Stub& stub, grpc::ClientContext* context, const Request* request,
                         Response* response, std::function<void(grpc::Status)> done)>;
  // Sees each answer before the slot's next call (optional).
  using OnReply = std::function<void(int slot, const grpc::Status& status, Response& response)>;

  UnaryCalls(std::string authorization, Fill fill, Invoke invoke, OnReply on_reply = nullptr)
      : authorization_(std::move(authorization)),
        fill_(std::move(fill)),
        invoke_(std::move(invoke)),
        on_reply_(std::move(on_reply)) {}

  void Prepare(const std::vector<std::shared_ptr<grpc::Channel>>& channels, int slots) override {
    stubs_.clear();
    for (const auto& channel : channels) stubs_.push_back(Service::NewStub(channel));
    slots_ = std::vector<Slot>(static_cast<size_t>(slots));
  }

  void Start(int slot, int channel, uint64_t sequence, grpc::ClientContext& context,
             std::function<void(grpc::Status)> done) override {
    Slot& s = slots_[static_cast<size_t>(slot)];
    fill_(slot, sequence, s.response, s.request);
    if (!authorization_.empty()) context.AddMetadata("authorization", authorization_);
    invoke_(*stubs_[static_cast<size_t>(channel)], &context, &s.request, &s.response,
            [this, slot, done = std::move(done)](grpc::Status status) {
              if (on_reply_) on_reply_(slot, status, slots_[static_cast<size_t>(slot)].response);
              done(std::move(status));
            });
  }

 private:
  struct Slot {
    Request request;
    Response response;
  };

  const std::string authorization_;
  const Fill fill_;
  const Invoke invoke_;
  const OnReply on_reply_;
  std::vector<std::unique_ptr<Stub>> stubs_;
  std::vector<Slot> slots_;
};

}  // namespace

void MintedTokens::Add(std::string token) {
  absl::MutexLock lock(&mu_);
  if (tokens_.size() < capacity_) tokens_.push_back(std::move(token));
}

std::vector<std::string> MintedTokens::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return tokens_;
}

size_t MintedTokens::size() const {
  absl::MutexLock lock(&mu_);
  return tokens_.size();
}

std::unique_ptr<CallFactory> EchoCalls(std::string token, int response_size,
                                       std::string authorization) {
  using warden_bench::v1::EchoRequest;
  using warden_bench::v1::EchoResponse;
  using warden_bench::v1::EchoService;
  return std::make_unique<UnaryCalls<EchoService, EchoRequest, EchoResponse>>(
      std::move(authorization),
      [token = std::move(token), response_size](int, uint64_t, const EchoResponse&,
                                                EchoRequest& request) {
        if (request.token().empty()) request.set_token(token);
        request.set_response_size(response_size);
      },
      [](EchoService::Stub& stub, grpc::ClientContext* context, const EchoRequest* request,
         EchoResponse* response, std::function<void(grpc::Status)> done) {
        stub.async()->Echo(context, request, response, std::move(done));
      });
}

std::unique_ptr<CallFactory> ValidateCalls(std::vector<std::string> tokens,
                                           std::string authorization) {
  using v1::AuthService;
  using v1::ValidateTokenRequest;
  using v1::ValidateTokenResponse;
  return std::make_unique<UnaryCalls<AuthService, ValidateTokenRequest, ValidateTokenResponse>>(
      std::move(authorization),
      [tokens = std::move(tokens)](int, uint64_t sequence, const ValidateTokenResponse&,
                                   ValidateTokenRequest& request) {
        const std::string& token = tokens[sequence % tokens.size()];
        if (request.token() != token) request.set_token(token);
      },
      [](AuthService::Stub& stub, grpc::ClientContext* context, const ValidateTokenRequest* request,
         ValidateTokenResponse* response, std::function<void(grpc::Status)> done) {
        stub.async()->ValidateToken(context, request, response, std::move(done));
      });
}

std::unique_ptr<CallFactory> GenerateCalls(std::vector<std::string> roles,
                                           std::string authorization, MintedTokens* minted) {
  using v1::GenerateTokenRequest;
  using v1::GenerateTokenResponse;
  using v1::TokenService;
  return std::make_unique<UnaryCalls<TokenService, GenerateTokenRequest, GenerateTokenResponse>>(
      std::move(authorization),
      [roles = std::move(roles)](int, uint64_t sequence, const GenerateTokenResponse&,
                                 GenerateTokenRequest& request) {
        request.set_name(absl::StrCat("bench ", sequence));
        if (request.roles_size() == 0) {
          for (const std::string& role : roles) request.add_roles(role);
        }
      },
      [](TokenService::Stub& stub, grpc::ClientContext* context,
         const GenerateTokenRequest* request, GenerateTokenResponse* response,
         std::function<void(grpc::Status)> done) {
        stub.async()->GenerateToken(context, request, response, std::move(done));
      },
      [minted](int, const grpc::Status& status, GenerateTokenResponse& response) {
        if (minted != nullptr && status.ok()) minted->Add(std::move(*response.mutable_token()));
      });
}

std::unique_ptr<CallFactory> ListCalls(int page_size, bool walk, std::string authorization) {
  using v1::ListTokensRequest;
  using v1::ListTokensResponse;
  using v1::TokenService;
  return std::make_unique<UnaryCalls<TokenService, ListTokensRequest, ListTokensResponse>>(
      std::move(authorization),
      [page_size, walk](int, uint64_t, const ListTokensResponse& previous,
                        ListTokensRequest& request) {
        request.set_page_size(page_size);
        // The last page has no next page token: the walk starts again from the first.
        if (walk) request.set_page_token(previous.next_page_token());
      },
      [](TokenService::Stub& stub, grpc::ClientContext* context, const ListTokensRequest* request,
         ListTokensResponse* response, std::function<void(grpc::Status)> done) {
        stub.async()->ListTokens(context, request, response, std::move(done));
      });
}

std::unique_ptr<CallFactory> ExchangeCalls(std::vector<std::string> id_tokens) {
  using v1::AuthService;
  using v1::ExchangeAuthMachineToMachineTokenRequest;
  using v1::ExchangeAuthMachineToMachineTokenResponse;
  return std::make_unique<UnaryCalls<AuthService, ExchangeAuthMachineToMachineTokenRequest,
                                     ExchangeAuthMachineToMachineTokenResponse>>(
      /*authorization=*/"",
      [id_tokens = std::move(id_tokens)](int, uint64_t sequence,
                                         const ExchangeAuthMachineToMachineTokenResponse&,
                                         ExchangeAuthMachineToMachineTokenRequest& request) {
        request.set_id_token(id_tokens[sequence % id_tokens.size()]);
      },
      [](AuthService::Stub& stub, grpc::ClientContext* context,
         const ExchangeAuthMachineToMachineTokenRequest* request,
         ExchangeAuthMachineToMachineTokenResponse* response,
         std::function<void(grpc::Status)> done) {
        stub.async()->ExchangeAuthMachineToMachineToken(context, request, response,
                                                        std::move(done));
      });
}

}  // namespace warden::bench
