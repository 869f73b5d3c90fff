#include "server/signin/sign_in_state.h"

#include "nlohmann/json.hpp"
#include "validation/jose/jws.h"
#include "validation/jose/jwt.h"

namespace warden {
namespace {

using Json = nlohmann::json;

constexpr char kType[] = "warden-sign-in-state+jwt";
constexpr char kAudience[] = "warden-sign-in";

absl::Status NotValid() {
  return absl::UnauthenticatedError("the sign-in state is not valid: start again");
}

// The string member `name`, or "" when absent or not a string.
std::string StringAt(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

absl::StatusOr<std::string> SealSignInState(const jose::KeyRing& keys, const std::string& issuer,
                                            const SignInState& state) {
  Json payload = {{"iss", issuer},
                  {"aud", kAudience},
                  {"jti", state.id},
                  {"exp", absl::ToUnixSeconds(state.expires_at)},
                  {"provider", state.provider_id},
                  {"redirect_uri", state.redirect_uri},
                  {"nonce", state.nonce}};
  return jose::SignJws(keys.signer(), payload, kType);
}

absl::StatusOr<SignInState> OpenSignInState(const jose::KeyRing& keys, const std::string& issuer,
                                            std::string_view sealed, absl::Time now) {
  jose::JwsOptions options;
  options.max_token_bytes = 4096;
  options.max_json_depth = 4;
  absl::StatusOr<jose::VerifiedJws> jws = jose::VerifyJws(keys, sealed, options);
  if (!jws.ok()) return NotValid();
  if (StringAt(jws->header, "typ") != kType) return NotValid();
  const Json& payload = jws->payload;
  if (StringAt(payload, "iss") != issuer || StringAt(payload, "aud") != kAudience) {
    return NotValid();
  }
  const auto exp = payload.find("exp");
  if (exp == payload.end() || !exp->is_number_integer()) return NotValid();
  SignInState state;
  state.id = StringAt(payload, "jti");
  state.provider_id = StringAt(payload, "provider");
  state.redirect_uri = StringAt(payload, "redirect_uri");
  state.nonce = StringAt(payload, "nonce");
  state.expires_at = absl::FromUnixSeconds(exp->get<int64_t>());
  if (state.id.empty() || state.provider_id.empty() || state.redirect_uri.empty() ||
      state.nonce.empty()) {
    return NotValid();
  }
  if (now > state.expires_at) {
    return absl::UnauthenticatedError("the sign-in took too long: start again");
  }
  return state;
}

}  // namespace warden
