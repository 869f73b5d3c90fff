#pragma once

// A fake OIDC issuer for end-to-end tests: discovery document and JWKS served over HTTPS on
// 127.0.0.1 with a TestPki server certificate, and ID tokens signed with its key. The
// server under test must trust the PKI's CA (WARDEN_M2M_CA_FILE=<pki>/ca.pem).
//
// Needs cpp-httplib with OpenSSL (pkg-config cpp-httplib), OpenSSL::SSL and warden_jose.

#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/support/test_pki.h"
#include "tests/unit/oidc/test_issuer.h"

namespace warden::testing {

// An OIDC issuer on 127.0.0.1 that counts the requests it receives, and how often its keys
// are fetched. The server under test must allow private issuers
// (WARDEN_M2M_ALLOW_PRIVATE_ISSUERS=true, as WardenProcess sets by default) to reach it.
class FakeIssuer {
 public:
  static constexpr char kSignInClient[] = "warden-people";
  static constexpr char kSignInSubject[] = "person-1";

  using Json = oidc::testing::Json;
  using TestKey = oidc::testing::TestKey;

  explicit FakeIssuer(const TestPki& pki)
      : server_(pki.Path("server.pem").c_str(), pki.Path("server.key").c_str()),
        key_(oidc::testing::MakeKey(jose::JwsAlgorithm::kEs256, "issuer-key-1")) {
    REQUIRE(server_.is_valid());
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    url_ = absl::StrCat("https://127.0.0.1:", port_);
    jwks_uri_ = url_ + "/jwks";
    server_.set_pre_routing_handler([this](const auto&, auto&) {
      ++requests_;
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server_.Get("/.well-known/openid-configuration", [this](const auto&, auto& res) {
      Json document = oidc::testing::DiscoveryDocument(url_, jwks_uri());
      document["authorization_endpoint"] = url_ + "/auth";
      document["token_endpoint"] = url_ + "/token";
      document["device_authorization_endpoint"] = url_ + "/device/auth";
      res.set_content(document.dump(), "application/json");
    });
    // A token endpoint for people signing in (auth providers), with no login of its own:
    // the code "nonce:<n>" stands for a person who signed in with nonce <n>, and any device
    // code is approved. The ID tokens are for client kSignInClient, person kSignInSubject.
    server_.Post("/token", [this](const httplib::Request& req, httplib::Response& res) {
      Json claims = {{"aud", kSignInClient}, {"sub", kSignInSubject}, {"groups", {"people"}}};
      const std::string code = req.get_param_value("code");
      if (code.rfind("nonce:", 0) == 0) claims["nonce"] = code.substr(6);
      res.set_content(Json{{"token_type", "Bearer"}, {"id_token", IdToken(claims)}}.dump(),
                      "application/json");
    });
    server_.Post("/device/auth", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(Json{{"device_code", "device-code"},
                           {"user_code", "BCDF-GHJK"},
                           {"verification_uri", url_ + "/device"},
                           {"expires_in", 600}}
                          .dump(),
                      "application/json");
    });
    server_.Get("/jwks", [this](const auto&, auto& res) {
      ++jwks_fetches_;
      HoldWhileStalled();
      res.set_content(oidc::testing::Jwks({key_}).dump(), "application/json");
    });
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket is bound already, so clients queue until listen() runs; waiting only
    // avoids a stop() before start.
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeIssuer() {
    server_.stop();
    thread_.join();
  }

  // An ID token as the issuer would sign it, with `claims` added to sensible defaults (a
  // null claim removes the default).
  std::string IdToken(const Json& claims, const TestKey* key = nullptr) const {
    absl::Time now = absl::Now();
    Json payload = {{"iss", url_},
                    {"sub", "repo:org/repo:ref:refs/heads/main"},
                    {"aud", "warden-test"},
                    {"iat", absl::ToUnixSeconds(now)},
                    {"exp", absl::ToUnixSeconds(now + absl::Minutes(5))}};
    payload.update(claims);
    for (auto it = payload.begin(); it != payload.end();) {  // null means: leave the claim out
      it = it->is_null() ? payload.erase(it) : std::next(it);
    }
    return oidc::testing::SignToken(key != nullptr ? *key : key_, payload);
  }

  const std::string& url() const { return url_; }
  int port() const { return port_; }
  int jwks_fetches() const { return jwks_fetches_.load(); }
  int requests() const { return requests_.load(); }  // Every path, the keys included.

  // What the discovery document names as jwks_uri from now on (default: <url>/jwks).
  void SetJwksUri(std::string uri) {
    absl::MutexLock lock(&mu_);
    jwks_uri_ = std::move(uri);
  }

  // While stalled, the JWKS endpoint holds every request (for at most 30 s) instead of
  // answering: an issuer that hangs.
  void Stall() {
    absl::MutexLock lock(&mu_);
    stalled_ = true;
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    stalled_ = false;
  }
  // Waits until a JWKS request is being held; false after `timeout`.
  bool AwaitHeldRequest(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(
                                    +[](int* held) { return *held > 0; }, &held_),
                                timeout);
  }

 private:
  std::string jwks_uri() const {
    absl::MutexLock lock(&mu_);
    return jwks_uri_;
  }

  void HoldWhileStalled() {
    absl::MutexLock lock(&mu_);
    ++held_;
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](bool* stalled) { return !*stalled; }, &stalled_),
                         absl::Seconds(30));
    --held_;
  }

  mutable absl::Mutex mu_;
  bool stalled_ ABSL_GUARDED_BY(mu_) = false;
  int held_ ABSL_GUARDED_BY(mu_) = 0;
  httplib::SSLServer server_;
  TestKey key_;
  int port_ = 0;
  std::string url_;
  std::atomic<int> requests_{0};
  std::atomic<int> jwks_fetches_{0};
  std::string jwks_uri_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace warden::testing
