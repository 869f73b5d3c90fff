#include "tests/bench/bench_issuer.h"

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "nlohmann/json.hpp"
#include "validation/jose/base64url.h"

namespace warden::bench {

BenchIssuer::BenchIssuer(const std::string& cert_file, const std::string& key_file)
    : server_(cert_file.c_str(), key_file.c_str()),
      key_(jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256)) {}

absl::StatusOr<std::unique_ptr<BenchIssuer>> BenchIssuer::Start(const std::string& cert_file,
                                                                const std::string& key_file) {
  std::unique_ptr<BenchIssuer> issuer(new BenchIssuer(cert_file, key_file));
  if (!issuer->server_.is_valid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot serve HTTPS with ", cert_file, " and ", key_file));
  }
  const int port = issuer->server_.bind_to_any_port("127.0.0.1");
  if (port <= 0) return absl::FailedPreconditionError("cannot bind a port on 127.0.0.1");
  issuer->url_ = absl::StrCat("https://127.0.0.1:", port);
  BenchIssuer* self = issuer.get();
  self->server_.Get("/.well-known/openid-configuration", [self](const httplib::Request&,
                                                                httplib::Response& response) {
    nlohmann::json discovery = {{"issuer", self->url_},
                                {"jwks_uri", self->url_ + "/jwks"},
                                {"response_types_supported", {"id_token"}},
                                {"subject_types_supported", {"public"}},
                                {"id_token_signing_alg_values_supported", {"ES256"}}};
    response.set_content(discovery.dump(), "application/json");
  });
  self->server_.Get("/jwks", [self](const httplib::Request&, httplib::Response& response) {
    nlohmann::json jwk = self->key_->PublicJwk();
    jwk["kid"] = self->kid_;
    response.set_content(nlohmann::json{{"keys", {jwk}}}.dump(), "application/json");
  });
  self->thread_ = std::thread([self] { self->server_.listen_after_bind(); });
  // Clients queue on the bound socket meanwhile; waiting only keeps stop() after start.
  while (!self->server_.is_running()) std::this_thread::yield();
  return issuer;
}

BenchIssuer::~BenchIssuer() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string BenchIssuer::IdToken(const std::string& subject, const std::string& audience,
                                 absl::Duration lifetime) const {
  const absl::Time now = absl::Now();
  const nlohmann::json header = {{"alg", "ES256"}, {"kid", kid_}, {"typ", "JWT"}};
  const nlohmann::json payload = {{"iss", url_},
                                  {"sub", subject},
                                  {"aud", audience},
                                  {"jti", NewUuidV4()},
                                  {"iat", absl::ToUnixSeconds(now)},
                                  {"exp", absl::ToUnixSeconds(now + lifetime)}};
  const std::string input = absl::StrCat(jose::Base64UrlEncode(header.dump()), ".",
                                         jose::Base64UrlEncode(payload.dump()));
  return absl::StrCat(input, ".", jose::Base64UrlEncode(key_->Sign(input).value()));
}

}  // namespace warden::bench
