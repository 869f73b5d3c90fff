#include "tests/bench/last_use_bench.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock.h"
#include "common/random.h"
#include "server/tokens/usage_recorder.h"
#include "server/views/views_state.h"
#include "tests/bench/crypto_bench.h"
#include "validation/token_validator.h"

namespace warden::bench {
namespace {

constexpr int kDistinctTokens = 10000;
constexpr size_t kCacheSize = 1000;  // as scripts/bench runs the server

Role AnalystRole() {
  Role role;
  role.name = "Analyst";
  role.permission_set.name = "Analyst";
  role.access_scope.name = kUnrestrictedScopeName;
  return role;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int RunLastUseBench(absl::Duration seconds, int threads, const std::string& results) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  std::shared_ptr<const jose::SigningKey> key =
      jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256);
  const jose::KeyRing ring = *jose::KeyRing::Create({key});
  jose::VerifyOptions verify;
  verify.issuer = "https://warden.local";
  verify.audience = "warden";
  RevocationView revocations;
  RoleView roles;
  roles.Replace({AnalystRole()});
  M2mView m2m;
  AuthProviderView providers;
  ViewsState state{revocations, roles, m2m, providers};
  // Tokens shaped like the ones Warden mints (see TokenAuthority::Mint).
  std::vector<std::string> tokens;
  for (int i = 0; i < kDistinctTokens; ++i) {
    jose::JwtClaims claims;
    claims.issuer = verify.issuer;
    claims.audience = {verify.audience};
    claims.id = NewUuidV4();
    claims.issued_at = claims.not_before = absl::Now();
    claims.expires_at = claims.issued_at + absl::Hours(8760);
    claims.name = absl::StrCat("bench token ", i);
    claims.roles = {"Analyst"};
    tokens.push_back(*jose::SignJwt(*key, claims));
  }
  // Never started and never flushed: what the validating threads pay is RecordUse alone
  // (the flush runs on a thread of its own, once a minute).
  UsageRecorder usage(RealClock::Get(), UsageRecorder::Options{},
                      [](std::vector<storage::TokenUse>, std::function<void(absl::Status)> done) {
                        done(absl::OkStatus());
                      });

  struct Path {
    const char* name;
    bool distinct;
  };
  std::ofstream out;
  if (!results.empty()) out.open(results, std::ios::app);
  std::cout << absl::StrFormat("%-10s %-4s %14s %15s   (median of 3, %d threads)\n", "path", "use",
                               "per second", "per CPU second", threads);
  for (const Path& path : {Path{"cached", false}, Path{"signature", true}}) {
    std::vector<double> wall[2], cpu[2];  // [0]: off, [1]: on
    for (bool on : {true, false, false, true, true, false}) {
      // A fresh validator each time: the same empty cache, the observer set before use.
      TokenValidator validator(ring, verify, state, RealClock::Get(), kCacheSize);
      if (on) validator.SetUseObserver([&usage](const Identity& who) { usage.RecordUse(who); });
      std::atomic<uint64_t> next{0};
      const Rates rate = MeasureRate(
          [&] {
            const std::string& token =
                path.distinct ? tokens[next.fetch_add(1, std::memory_order_relaxed) % tokens.size()]
                              : tokens.front();
            return validator.Validate(token).ok();
          },
          threads, seconds);
      wall[on].push_back(rate.per_second);
      cpu[on].push_back(rate.per_cpu_second);
    }
    for (bool on : {true, false}) {
      std::cout << absl::StrFormat("%-10s %-4s %14.0f %15.0f\n", path.name, on ? "on" : "off",
                                   Median(wall[on]), Median(cpu[on]));
      if (out.is_open()) {
        out << absl::StrFormat("last-use\t%s\t%s\t%.0f\t%.0f\n", path.name, on ? "on" : "off",
                               Median(wall[on]), Median(cpu[on]));
      }
    }
    std::cout << absl::StrFormat("%-10s on/off: %.1f%% per second, %.1f%% per CPU second\n",
                                 path.name, 100 * Median(wall[1]) / Median(wall[0]),
                                 100 * Median(cpu[1]) / Median(cpu[0]));
  }
  return 0;
}

}  // namespace warden::bench
