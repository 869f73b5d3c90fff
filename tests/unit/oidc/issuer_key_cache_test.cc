#include "server/oidc/issuer_key_cache.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/oidc/fake_http_fetcher.h"
#include "tests/unit/oidc/test_issuer.h"

namespace warden::oidc {
namespace {

using testing::DiscoveryDocument;
using testing::FakeHttpFetcher;
using testing::Jwks;
using testing::MakeKey;
using testing::TestKey;

constexpr char kIssuer[] = "https://issuer.example.com";
constexpr char kDiscovery[] = "https://issuer.example.com/.well-known/openid-configuration";
constexpr char kJwksUri[] = "https://issuer.example.com/keys";
const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

IssuerKeyCache::Options CacheOptions() {
  IssuerKeyCache::Options options;
  options.refresh_cooldown = absl::Minutes(1);
  options.max_age = absl::Hours(1);
  return options;
}

IssuerSpec Spec() {
  IssuerSpec spec;
  spec.issuer = kIssuer;
  return spec;
}

struct Fixture {
  Fixture() {
    fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, kJwksUri).dump());
    Publish({MakeKey(jose::JwsAlgorithm::kEs256, "key-1")});
  }
  void Publish(const std::vector<TestKey>& keys) { fetcher.Serve(kJwksUri, Jwks(keys).dump()); }

  FakeHttpFetcher fetcher;
  FakeClock clock{kStart};
  IssuerKeyCache cache{fetcher, clock, CacheOptions()};
};

TEST_CASE("Cached keys serve known kids without fetching", "[key_cache]") {
  Fixture f;
  REQUIRE(f.cache.Prefetch(Spec()).ok());
  CHECK(f.cache.fetch_count() == 1);
  CHECK(f.fetcher.CountOf(kJwksUri) == 1);
  for (int i = 0; i < 10; ++i) {
    const auto keys = f.cache.KeysFor(Spec(), "key-1");
    REQUIRE(keys.ok());
    CHECK((*keys)->Find("key-1") != nullptr);
    f.clock.Advance(absl::Minutes(5));
  }
  CHECK(f.cache.fetch_count() == 1);
}

TEST_CASE("The first use fetches, and a failed fetch is an error until one succeeds",
          "[key_cache]") {
  Fixture f;
  f.fetcher.Fail(kDiscovery, HttpStatusError(kDiscovery, 502));
  auto keys = f.cache.KeysFor(Spec(), "key-1");
  CHECK(keys.status().code() == absl::StatusCode::kUnavailable);
  CHECK(f.cache.fetch_count() == 1);
  keys = f.cache.KeysFor(Spec(), "key-1");  // Within the cooldown: the same error, no fetch.
  CHECK(keys.status().code() == absl::StatusCode::kUnavailable);
  CHECK(f.cache.fetch_count() == 1);
  CHECK(f.cache.Prefetch(Spec()).code() == absl::StatusCode::kUnavailable);  // Ignores cooldown.
  CHECK(f.cache.fetch_count() == 2);

  f.fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, kJwksUri).dump());
  f.clock.Advance(absl::Minutes(1));
  keys = f.cache.KeysFor(Spec(), "key-1");
  REQUIRE(keys.ok());
  CHECK(f.cache.fetch_count() == 3);
}

TEST_CASE("Key rotation: a new kid refetches exactly once, then succeeds", "[key_cache]") {
  Fixture f;
  REQUIRE(f.cache.Prefetch(Spec()).ok());
  f.Publish(
      {MakeKey(jose::JwsAlgorithm::kEs256, "key-1"), MakeKey(jose::JwsAlgorithm::kRs256, "key-2")});

  // Within the cooldown of the last fetch, the unknown kid gets the cached keys.
  f.clock.Advance(absl::Seconds(30));
  auto keys = f.cache.KeysFor(Spec(), "key-2");
  REQUIRE(keys.ok());
  CHECK((*keys)->Find("key-2") == nullptr);
  CHECK(f.cache.fetch_count() == 1);

  f.clock.Advance(absl::Seconds(30));
  keys = f.cache.KeysFor(Spec(), "key-2");
  REQUIRE(keys.ok());
  CHECK((*keys)->Find("key-2") != nullptr);
  CHECK(f.cache.fetch_count() == 2);
  for (int i = 0; i < 5; ++i) REQUIRE((*f.cache.KeysFor(Spec(), "key-2"))->Find("key-2"));
  CHECK(f.cache.fetch_count() == 2);
}

// 100 tokens with random kids from 10 threads, all at one instant of the fake clock.
void Burst(IssuerKeyCache& cache, int round) {
  std::atomic<int> ready = 0;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready < 10) std::this_thread::yield();  // Start together.
      for (int i = 0; i < 10; ++i) {
        const auto keys = cache.KeysFor(Spec(), absl::StrCat("random-", round, "-", t, "-", i));
        if (!keys.ok() || (*keys)->Find("key-1") == nullptr) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == 0);
}

TEST_CASE("A flood of random kids fetches at most once per cooldown", "[key_cache]") {
  Fixture f;
  f.fetcher.SetLatency(absl::Milliseconds(20));  // So that callers overlap the fetch.
  REQUIRE(f.cache.Prefetch(Spec()).ok());
  CHECK(f.cache.fetch_count() == 1);

  Burst(f.cache, 0);  // Within the cooldown of the prefetch: no fetch at all.
  CHECK(f.cache.fetch_count() == 1);

  f.clock.Advance(absl::Minutes(1));
  Burst(f.cache, 1);  // One fetch, shared by every caller.
  CHECK(f.cache.fetch_count() == 2);
  Burst(f.cache, 2);
  CHECK(f.cache.fetch_count() == 2);

  f.clock.Advance(absl::Seconds(59));
  Burst(f.cache, 3);
  CHECK(f.cache.fetch_count() == 2);
  f.clock.Advance(absl::Seconds(1));  // The cooldown elapses: one more.
  Burst(f.cache, 4);
  CHECK(f.cache.fetch_count() == 3);
  CHECK(f.fetcher.CountOf(kJwksUri) == 3);
}

TEST_CASE("Concurrent first uses share one fetch", "[key_cache]") {
  Fixture f;
  f.fetcher.SetLatency(absl::Milliseconds(50));
  Burst(f.cache, 0);
  CHECK(f.cache.fetch_count() == 1);
  CHECK(f.fetcher.CountOf(kDiscovery) == 1);
}

TEST_CASE("Keys past max_age are refetched, and stale keys serve while the issuer is down",
          "[key_cache]") {
  Fixture f;
  REQUIRE(f.cache.Prefetch(Spec()).ok());
  f.clock.Advance(absl::Hours(1));
  REQUIRE(f.cache.KeysFor(Spec(), "key-1").ok());
  CHECK(f.cache.fetch_count() == 2);

  f.fetcher.Fail(kDiscovery, HttpStatusError(kDiscovery, 503));
  f.clock.Advance(absl::Hours(1));
  auto keys = f.cache.KeysFor(Spec(), "key-1");
  REQUIRE(keys.ok());
  CHECK((*keys)->Find("key-1") != nullptr);
  CHECK(f.cache.fetch_count() == 3);
  keys = f.cache.KeysFor(Spec(), "key-1");  // Within the cooldown of the failed attempt.
  REQUIRE(keys.ok());
  CHECK(f.cache.fetch_count() == 3);
}

TEST_CASE("Forget drops an issuer's keys", "[key_cache]") {
  Fixture f;
  REQUIRE(f.cache.Prefetch(Spec()).ok());
  f.cache.Forget(Spec());
  REQUIRE(f.cache.KeysFor(Spec(), "key-1").ok());
  CHECK(f.cache.fetch_count() == 2);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "warden-oidc-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string file = (path_ / name).string();
    std::ofstream(file) << content;
    return file;
  }

 private:
  std::filesystem::path path_;
};

TEST_CASE("Kubernetes: a refused anonymous fetch is retried with the service account",
          "[key_cache][kube]") {
  Fixture f;
  TempDir dir;
  IssuerSpec spec = Spec();
  spec.type = IssuerType::kKubeServiceAccount;
  spec.kube_token_path = dir.Write("token", "sa-token\n");
  spec.kube_ca_path = dir.Write("ca.crt", "not read by the fake");
  const int refusal = GENERATE(401, 403);
  f.fetcher.SetHandler(
      [&](const std::string& url,
          const FetchOptions& options) -> std::optional<absl::StatusOr<HttpResponse>> {
        if (options.bearer_token != "sa-token") return HttpStatusError(url, refusal);
        return std::nullopt;
      });

  REQUIRE(f.cache.Prefetch(spec).ok());
  const auto requests = f.fetcher.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].url == kDiscovery);
  CHECK_FALSE(requests[0].bearer_token.has_value());
  CHECK(requests[0].ca_file.empty());
  CHECK(requests[1].url == kDiscovery);
  CHECK(requests[1].bearer_token == "sa-token");
  CHECK(requests[1].ca_file == spec.kube_ca_path);
  CHECK(requests[2].url == kJwksUri);
  CHECK(requests[2].bearer_token == "sa-token");
  CHECK(f.cache.fetch_count() == 1);

  SECTION("a generic issuer is never sent the service account token") {
    IssuerSpec generic = spec;
    generic.type = IssuerType::kGeneric;
    const absl::Status status = f.cache.Prefetch(generic);
    CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(HttpStatusOf(status) == refusal);
    CHECK(f.fetcher.requests().size() == 4);
  }
  SECTION("an unreadable token file is FAILED_PRECONDITION naming neither path nor token") {
    spec.kube_token_path = "/nonexistent/token";
    const absl::Status status = f.cache.Prefetch(spec);
    CHECK(status == absl::FailedPreconditionError(
                        "cannot fetch the issuer's OpenID configuration; the service account "
                        "token to retry with cannot be read"));
    CHECK(f.fetcher.requests().size() == 4);
  }
}

}  // namespace
}  // namespace warden::oidc
