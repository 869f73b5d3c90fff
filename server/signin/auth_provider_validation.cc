#include "server/signin/auth_provider_validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/m2m/m2m_validation.h"

namespace warden {
namespace {

bool IsPrintable(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  });
}

absl::Status ValidateName(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 64 && absl::ascii_islower(name[0]) &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
                  });
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "name must be 1 to 64 of a-z, 0-9 and '-', starting with a letter (such as \"corp-sso\")");
}

absl::Status ValidateSecretFile(const std::string& file) {
  if (file.empty()) return absl::OkStatus();
  if (file == "." || file == ".." || file.find('/') != std::string::npos || !IsPrintable(file) ||
      file.size() > 255) {
    return absl::InvalidArgumentError(
        "client_secret_file must be the name of a file in the server's auth provider secrets "
        "directory (WARDEN_AUTH_PROVIDER_SECRETS_DIR), without '/'");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> NormaliseScopes(std::vector<std::string> scopes) {
  if (scopes.empty()) scopes = {"openid", "email", "profile"};
  std::vector<std::string> out = {"openid"};
  for (const std::string& scope : scopes) {
    const bool word = !scope.empty() && scope.size() <= 128 &&
                      std::all_of(scope.begin(), scope.end(), [](char c) {
                        return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
                      });
    if (!word) {
      return absl::InvalidArgumentError(
          "scopes must be words of printable characters without spaces or quotes");
    }
    if (std::find(out.begin(), out.end(), scope) == out.end()) out.push_back(scope);
  }
  return out;
}

}  // namespace

absl::StatusOr<AuthProvider> ValidateAuthProvider(AuthProvider provider) {
  if (absl::Status name = ValidateName(provider.name); !name.ok()) return name;
  if (absl::Status issuer = ValidateIssuerUrl(provider.issuer); !issuer.ok()) return issuer;
  if (!IsPrintable(provider.client_id) || provider.client_id.size() > 256) {
    return absl::InvalidArgumentError("client_id must be 1 to 256 printable characters");
  }
  if (absl::Status file = ValidateSecretFile(provider.client_secret_file); !file.ok()) return file;
  absl::StatusOr<std::vector<std::string>> scopes = NormaliseScopes(std::move(provider.scopes));
  if (!scopes.ok()) return scopes.status();
  provider.scopes = *std::move(scopes);
  if (!provider.name_claim.empty() &&
      (!IsPrintable(provider.name_claim) || provider.name_claim.size() > 128)) {
    return absl::InvalidArgumentError("name_claim must be a claim name, such as email");
  }
  if (absl::Status rules = ValidateClaimRules(provider.rules, "rule"); !rules.ok()) return rules;
  if (provider.minimum_role == kNoneRoleName) provider.minimum_role.clear();
  if (provider.rules.empty() && provider.minimum_role.empty()) {
    return absl::InvalidArgumentError(
        "at least one rule, or a minimum role other than None, is required: otherwise nobody "
        "could sign in");
  }
  return provider;
}

}  // namespace warden
