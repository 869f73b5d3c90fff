#include "tests/bench/crypto_bench.h"

#include <time.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/random.h"
#include "validation/jose/jwt.h"
#include "validation/jose/key_ring.h"
#include "validation/jose/signing_key.h"

namespace warden::bench {
namespace {

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

Rates MeasureRate(const std::function<bool()>& op, int threads, absl::Duration seconds) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::atomic<int64_t> cpu_ns{0};
  std::vector<std::thread> workers;
  const absl::Time start = absl::Now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      const double cpu_start = ThreadCpuSeconds();
      uint64_t done = 0;
      while (!stop.load(std::memory_order_relaxed)) done += op() ? 1 : 0;
      total += done;
      cpu_ns += static_cast<int64_t>((ThreadCpuSeconds() - cpu_start) * 1e9);
    });
  }
  absl::SleepFor(seconds);
  stop = true;
  for (std::thread& worker : workers) worker.join();
  Rates rates;
  rates.per_second = static_cast<double>(total.load()) / absl::ToDoubleSeconds(absl::Now() - start);
  rates.per_cpu_second =
      cpu_ns.load() > 0 ? static_cast<double>(total.load()) / (cpu_ns.load() / 1e9) : 0;
  return rates;
}

int RunCryptoBench(absl::Duration seconds, int threads, const std::string& results) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  std::shared_ptr<const jose::SigningKey> key =
      jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256);
  absl::StatusOr<jose::KeyRing> ring = jose::KeyRing::Create({key});
  if (!ring.ok()) {
    std::cerr << "warden-bench: " << ring.status() << "\n";
    return 1;
  }
  // A token shaped like the ones Warden mints (see TokenAuthority::Mint).
  jose::JwtClaims claims;
  claims.issuer = "https://warden.local";
  claims.audience = {"warden"};
  claims.id = NewUuidV4();
  claims.issued_at = claims.not_before = absl::Now();
  claims.expires_at = claims.issued_at + absl::Hours(8760);
  claims.name = "bench token";
  claims.roles = {"Analyst"};
  absl::StatusOr<std::string> token = jose::SignJwt(*key, claims);
  if (!token.ok()) {
    std::cerr << "warden-bench: " << token.status() << "\n";
    return 1;
  }
  const std::string input = token->substr(0, token->rfind('.'));
  const std::string signature = key->Sign(input).value();
  jose::VerifyOptions options;
  options.issuer = claims.issuer;
  options.audience = "warden";
  const absl::Time now = absl::Now();

  struct Op {
    const char* name;
    std::function<bool()> run;
  };
  const std::vector<Op> ops = {
      {"es256-sign", [&] { return key->Sign(input).ok(); }},
      {"es256-verify", [&] { return key->Verify(input, signature); }},
      {"verify-jwt", [&] { return jose::VerifyJwt(*ring, *token, options, now).ok(); }},
  };
  std::ofstream out;
  if (!results.empty()) out.open(results, std::ios::app);
  std::cout << absl::StrFormat("%-14s %8s %12s %15s\n", "operation", "threads", "per second",
                               "per CPU second");
  for (const Op& op : ops) {
    for (int n : {1, threads}) {
      const Rates rate = MeasureRate(op.run, n, seconds);
      std::cout << absl::StrFormat("%-14s %8d %12.0f %15.0f\n", op.name, n, rate.per_second,
                                   rate.per_cpu_second);
      if (out.is_open()) {
        out << absl::StrFormat("crypto\t%s\t%d\t%.0f\t%.0f\n", op.name, n, rate.per_second,
                               rate.per_cpu_second);
      }
      if (threads == 1) break;
    }
  }
  return 0;
}

}  // namespace warden::bench
