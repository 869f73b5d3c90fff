#pragma once

// The calls warden-bench makes, one CallFactory per scenario. Each sends the given
// `authorization` header value (empty: none) on every call.

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "tests/bench/load_generator.h"

namespace warden::bench {

// Collects the token strings that GenerateToken calls return. Thread-safe.
class MintedTokens final {
 public:
  explicit MintedTokens(size_t capacity) : capacity_(capacity) {}
  // Keeps `token` unless `capacity` tokens are kept already.
  void Add(std::string token);
  // A copy of the tokens kept so far.
  std::vector<std::string> Snapshot() const;
  size_t size() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::vector<std::string> tokens_ ABSL_GUARDED_BY(mu_);
};

// EchoService.Echo carrying `token` and asking for `response_size` bytes back: the baseline.
std::unique_ptr<CallFactory> EchoCalls(std::string token, int response_size,
                                       std::string authorization);

// AuthService.ValidateToken, cycling through `tokens` in order across all slots: one token
// is the same-token (cache) path, many distinct ones the signature path.
// REQUIRES: !tokens.empty().
std::unique_ptr<CallFactory> ValidateCalls(std::vector<std::string> tokens,
                                           std::string authorization);

// TokenService.GenerateToken named "bench <n>" with `roles`; the tokens minted go to
// `minted` when it is not null (not owned; must outlive the calls).
std::unique_ptr<CallFactory> GenerateCalls(std::vector<std::string> roles,
                                           std::string authorization, MintedTokens* minted);

// TokenService.ListTokens, `page_size` per page, default filters (live, unexpired tokens).
// `walk` false: always the first page. `walk` true: each slot follows next_page_token
// through the whole listing, then starts again from the first page.
std::unique_ptr<CallFactory> ListCalls(int page_size, bool walk, std::string authorization);

// AuthService.ExchangeAuthMachineToMachineToken, cycling through `id_tokens` (no
// authorization header: the ID token is the credential). REQUIRES: !id_tokens.empty().
std::unique_ptr<CallFactory> ExchangeCalls(std::vector<std::string> id_tokens);

}  // namespace warden::bench
