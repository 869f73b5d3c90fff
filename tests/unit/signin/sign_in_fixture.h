#pragma once

// SignInAuthority with one auth provider in the view, a pretend provider (discovery, JWKS and
// a token endpoint that answers with ID tokens the test shapes) behind a fake HttpFetcher, a
// fake clock, in-memory token rows and used states, and the real validator: what a person
// signing in would see, without PostgreSQL or a network.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "server/signin/sign_in_authority.h"
#include "server/views/views_state.h"
#include "tests/support/captured.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_token_records.h"
#include "tests/support/recording_audit_trail.h"
#include "tests/unit/auth/role_fixtures.h"
#include "tests/unit/oidc/fake_http_fetcher.h"
#include "tests/unit/oidc/test_issuer.h"
#include "validation/token_validator.h"

namespace warden::testing {

// Used sign-in states in memory: each id once.
class MemorySignInStates final : public storage::SignInStateRecords {
 public:
  void MarkUsed(std::string state_id, absl::Time, storage::StatusDone done) override {
    bool fresh;
    {
      absl::MutexLock lock(&mu_);
      fresh = used_.insert(std::move(state_id)).second;
    }
    done(fresh ? absl::OkStatus() : absl::AlreadyExistsError("state used"));
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> used_ ABSL_GUARDED_BY(mu_);
};

// The query parameters of a URL, decoded.
inline std::map<std::string, std::string> QueryOf(const std::string& url) {
  std::map<std::string, std::string> out;
  const size_t at = url.find('?');
  if (at == std::string::npos) return out;
  for (absl::string_view pair : absl::StrSplit(url.substr(at + 1), '&')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::string value;
    for (size_t i = 0; i < kv.second.size(); ++i) {
      if (kv.second[i] == '%' && i + 2 < kv.second.size()) {
        value.push_back(static_cast<char>(std::stoi(kv.second.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        value.push_back(kv.second[i] == '+' ? ' ' : kv.second[i]);
      }
    }
    out[kv.first] = value;
  }
  return out;
}

class SignInFixture {
 public:
  static constexpr char kIssuer[] = "https://idp.example.com";
  static constexpr char kDiscovery[] = "https://idp.example.com/.well-known/openid-configuration";
  static constexpr char kJwksUri[] = "https://idp.example.com/jwks";
  static constexpr char kTokenEndpoint[] = "https://idp.example.com/token";
  static constexpr char kClientId[] = "warden-console";
  static constexpr char kRedirect[] = "https://warden.example.com/auth/callback";

  SignInFixture()
      : clock_(absl::FromUnixSeconds(1'800'000'000)),
        issuer_key_(oidc::testing::MakeKey(jose::JwsAlgorithm::kEs256, "idp-key")),
        keys_(fetcher_, clock_, oidc::IssuerKeyCache::Options{}),
        secrets_dir_(std::filesystem::temp_directory_path() /
                     ("warden-sign-in-test-" + std::to_string(::getpid()))),
        signer_(*jose::KeyRing::Create({jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256)})),
        validator_(signer_, VerifyOptions(), state_, clock_, 0),
        client_(fetcher_, clock_, ClientOptions(secrets_dir_.string())),
        sign_in_(providers_, client_, keys_, states_, tokens_, signer_, pool_, audit_, clock_,
                 Options()) {
    std::filesystem::create_directories(secrets_dir_);
    std::ofstream(secrets_dir_ / "corp-secret") << "s3cret value\n";
    fetcher_.Serve(kDiscovery, Discovery().dump());
    fetcher_.Serve(kJwksUri, oidc::testing::Jwks({issuer_key_}).dump());
    fetcher_.SetPostHandler(
        [this](const std::string& url, const std::string& form,
               const std::optional<std::string>& auth) { return TokenEndpoint(url, form, auth); });
    roles_.Replace({MakeRole(kAdminRoleName,
                             {{"Access", Access::kReadWrite}, {"Integration", Access::kReadWrite}}),
                    MakeRole("Analyst", {{"Alert", Access::kRead}}),
                    MakeRole("Lead", {{"Alert", Access::kReadWrite}})});
    providers_.Replace({Provider()});
  }
  ~SignInFixture() {
    pool_.Shutdown();
    std::filesystem::remove_all(secrets_dir_);
  }

  static nlohmann::json Discovery() {
    nlohmann::json doc = oidc::testing::DiscoveryDocument(kIssuer, kJwksUri);
    doc["authorization_endpoint"] = "https://idp.example.com/auth";
    doc["token_endpoint"] = kTokenEndpoint;
    doc["device_authorization_endpoint"] = "https://idp.example.com/device/auth";
    return doc;
  }
  static AuthProvider Provider() {
    AuthProvider p;
    p.id = "6f1c2b9a-3d4e-4f5a-8b6c-7d8e9f0a1b2c";
    p.revision = 1;
    p.name = "corp";
    p.issuer = kIssuer;
    p.client_id = kClientId;
    p.client_secret_file = "corp-secret";
    p.scopes = {"openid", "email", "groups"};
    p.rules = {AuthProviderRule{"groups", "analysts", "Analyst"},
               AuthProviderRule{"groups", "leads", "Lead"}};
    return p;
  }
  static ProviderClient::Options ClientOptions(std::string secrets_dir) {
    ProviderClient::Options options;
    options.secrets_dir = std::move(secrets_dir);
    return options;
  }
  static SignInAuthority::Options Options() {
    SignInAuthority::Options options;
    options.issuer = "https://warden.test";
    options.audience = "warden";
    return options;
  }
  static jose::VerifyOptions VerifyOptions() {
    jose::VerifyOptions options;
    options.issuer = "https://warden.test";
    options.audience = "warden";
    return options;
  }

  // The ID token claims the pretend provider signs for the code it is given: a person in
  // group "analysts" with the nonce of the authorization request, unless the test changed
  // `id_token_claims` (merged over these) or `id_token` (sent as it is).
  nlohmann::json DefaultClaims() const {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    return {{"iss", kIssuer},
            {"sub", "248289761001"},
            {"aud", kClientId},
            {"iat", now},
            {"exp", now + 300},
            {"nonce", nonce_},
            {"email", "bob@example.com"},
            {"groups", {"analysts", "devs"}}};
  }

  absl::StatusOr<oidc::HttpResponse> TokenEndpoint(const std::string& url, const std::string& form,
                                                   const std::optional<std::string>& auth) {
    absl::MutexLock lock(&mu_);
    posts_.push_back(Post{url, QueryOf("?" + form), auth});
    if (!token_error_.empty()) {
      return oidc::HttpResponse{400, token_error_, "application/json"};
    }
    nlohmann::json body = {{"token_type", "Bearer"}, {"access_token", "at"}};
    if (id_token_.has_value()) {
      body["id_token"] = *id_token_;
    } else {
      nlohmann::json claims = DefaultClaims();
      claims.update(id_token_claims_);
      body["id_token"] = oidc::testing::SignToken(issuer_key_, claims);
    }
    body.update(token_extra_);
    return oidc::HttpResponse{200, body.dump(), "application/json"};
  }

  absl::StatusOr<SignInAuthority::Started> Start(const std::string& redirect = kRedirect) {
    Captured<absl::StatusOr<SignInAuthority::Started>> started;
    sign_in_.Start("corp", redirect, started.Callback());
    absl::StatusOr<SignInAuthority::Started> result = started.Wait();
    if (result.ok()) {
      absl::MutexLock lock(&mu_);
      nonce_ = QueryOf(result->authorization_url)["nonce"];
    }
    return result;
  }
  absl::StatusOr<SignedInSession> Complete(const SignInAuthority::Started& started,
                                           const std::string& code = "code-1") {
    Captured<absl::StatusOr<SignedInSession>> session;
    sign_in_.Complete(started.state, code, started.code_verifier, "Firefox on Linux",
                      session.Callback());
    return session.Wait();
  }
  // Start, then Complete with the provider answering as set up.
  absl::StatusOr<SignedInSession> SignIn() {
    absl::StatusOr<SignInAuthority::Started> started = Start();
    if (!started.ok()) return started.status();
    return Complete(*started);
  }

  struct Post {
    std::string url;
    std::map<std::string, std::string> form;
    std::optional<std::string> authorization;
  };
  std::vector<Post> posts() {
    absl::MutexLock lock(&mu_);
    return posts_;
  }

  absl::Mutex mu_;
  std::string nonce_ ABSL_GUARDED_BY(mu_);
  nlohmann::json id_token_claims_ ABSL_GUARDED_BY(mu_) = nlohmann::json::object();
  std::optional<std::string> id_token_ ABSL_GUARDED_BY(mu_);
  nlohmann::json token_extra_ ABSL_GUARDED_BY(mu_) = nlohmann::json::object();
  std::string token_error_ ABSL_GUARDED_BY(mu_);
  std::vector<Post> posts_ ABSL_GUARDED_BY(mu_);

  FakeClock clock_;
  oidc::testing::FakeHttpFetcher fetcher_;
  oidc::testing::TestKey issuer_key_;
  oidc::IssuerKeyCache keys_;
  std::filesystem::path secrets_dir_;
  ThreadPool pool_{1, 8};
  RoleView roles_;
  M2mView m2m_;
  RevocationView revocations_;
  AuthProviderView providers_;
  ViewsState state_{revocations_, roles_, m2m_, providers_};
  MemorySignInStates states_;
  FakeTokenRecords tokens_;
  RecordingAuditTrail audit_;
  jose::KeyRing signer_;
  TokenValidator validator_;
  ProviderClient client_;
  SignInAuthority sign_in_;
};

}  // namespace warden::testing
