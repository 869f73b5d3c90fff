#include "tests/bench/http_scenarios.h"

#include "absl/strings/str_cat.h"

namespace warden::bench {
namespace {

// The answers' sizes when no Warden is asked (an "Analyst" identity; one ES256 key).
constexpr size_t kTypicalValidateBytes = 900;
constexpr size_t kTypicalJwksBytes = 200;

HttpCall ValidateCall(const std::string& authorization, const std::string& token) {
  HttpCall call;
  call.method = "POST";
  call.target = "/warden.v1.AuthService/ValidateToken";
  call.headers = {{"Connect-Protocol-Version", "1"}};
  if (!authorization.empty()) call.headers.emplace_back("Authorization", authorization);
  call.content_type = "application/json";
  call.body = absl::StrCat("{\"token\":\"", token, "\"}");  // a JWT needs no JSON escaping
  return call;
}

HttpCall JwksCall() {
  HttpCall call;
  call.method = "GET";
  call.target = "/.well-known/jwks.json";
  return call;
}

// `like`, sent to /hello instead, asking for `answer_bytes` back.
HttpCall HelloCall(HttpCall like, size_t answer_bytes) {
  like.target = absl::StrCat("/hello?bytes=", answer_bytes);
  return like;
}

absl::StatusOr<size_t> AnswerBytes(const HttpEndpoint& endpoint, const HttpCall& call) {
  absl::StatusOr<HttpAnswer> answer = SendOnce(endpoint, call);
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) {
    return absl::FailedPreconditionError(absl::StrCat(call.method, " ", call.target, " answered ",
                                                      answer->status, ": ", answer->body));
  }
  return answer->body.size();
}

}  // namespace

bool IsHttpScenario(const std::string& name) { return name.rfind("http-", 0) == 0; }

bool IsHelloScenario(const std::string& name) { return name.rfind("http-hello", 0) == 0; }

std::string BaselineOf(const std::string& name) {
  if (name == "http-hello" || name == "http-validate") return "http-hello";
  if (IsHttpScenario(name)) return "http-hello-get";
  return "echo";
}

absl::StatusOr<HttpScenarios> PrepareHttpScenarios(const std::string& warden_target,
                                                   const std::string& hello_target,
                                                   const std::string& authorization,
                                                   const std::string& token) {
  HttpScenarios out;
  out.validate_answer_bytes = kTypicalValidateBytes;
  out.jwks_answer_bytes = kTypicalJwksBytes;
  const HttpCall validate = ValidateCall(authorization, token);
  const HttpCall jwks = JwksCall();
  if (!warden_target.empty()) {
    absl::StatusOr<HttpEndpoint> warden = ParseEndpoint(warden_target);
    if (!warden.ok()) return warden.status();
    absl::StatusOr<size_t> validate_bytes = AnswerBytes(*warden, validate);
    if (!validate_bytes.ok()) return validate_bytes.status();
    absl::StatusOr<size_t> jwks_bytes = AnswerBytes(*warden, jwks);
    if (!jwks_bytes.ok()) return jwks_bytes.status();
    out.validate_answer_bytes = *validate_bytes;
    out.jwks_answer_bytes = *jwks_bytes;
    out.by_name["http-validate"] = {*warden, validate};
    out.by_name["http-jwks"] = {*warden, jwks};
  }
  if (!hello_target.empty()) {
    absl::StatusOr<HttpEndpoint> hello = ParseEndpoint(hello_target);
    if (!hello.ok()) return hello.status();
    out.by_name["http-hello"] = {*hello, HelloCall(validate, out.validate_answer_bytes)};
    out.by_name["http-hello-get"] = {*hello, HelloCall(jwks, out.jwks_answer_bytes)};
  }
  return out;
}

}  // namespace warden::bench
