#include "tests/fuzz/jwt_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "domain/m2m.h"
#include "domain/role.h"
#include "validation/jose/signing_key.h"

namespace warden::fuzz {
namespace {

std::shared_ptr<const jose::SigningKey> LoadKey(const char* file) {
  const std::string path = std::string(WARDEN_FUZZ_KEY_DIR) + "/" + file;
  auto key = jose::SigningKey::LoadFile(path);
  if (!key.ok()) {
    std::fprintf(stderr, "cannot load fuzz key %s: %s\n", path.c_str(),
                 std::string(key.status().ToString()).c_str());
    std::abort();
  }
  return *std::move(key);
}

}  // namespace

const jose::KeyRing& FuzzKeyRing() {
  static const jose::KeyRing* const ring = [] {
    auto created =
        jose::KeyRing::Create({LoadKey("es256.pem"), LoadKey("rs256.pem"), LoadKey("ed25519.pem")});
    if (!created.ok()) std::abort();
    return new jose::KeyRing(*std::move(created));
  }();
  return *ring;
}

jose::VerifyOptions FuzzVerifyOptions() {
  jose::VerifyOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  return options;
}

const RoleView& FuzzRoleView() {
  static RoleView* const view = [] {
    auto* roles = new RoleView();
    std::vector<Role> all;
    for (const char* name : kRoleNames) {
      Role role;
      role.name = name;
      role.permission_set.permissions = {{"Access", Access::kRead}};
      all.push_back(std::move(role));
    }
    roles->Replace(std::move(all));
    return roles;
  }();
  return *view;
}

const RevocationView& FuzzRevocationView() {
  static RevocationView* const view = [] {
    auto* revocations = new RevocationView();
    revocations->Add(kRevokedId, kNow + absl::Hours(1));
    return revocations;
  }();
  return *view;
}

const AuthProviderView& FuzzAuthProviderView() {
  static AuthProviderView* const view = new AuthProviderView();
  return *view;
}

const M2mView& FuzzM2mView() {
  static M2mView* const view = [] {
    auto* m2m = new M2mView();
    M2mConfig config;
    config.id = kM2mConfigId;
    config.type = M2mType::kGithubActions;
    config.issuer = kGithubActionsIssuer;
    config.audiences = {"warden"};
    config.mappings = {{"repository", "octo-org/.*", "Continuous Integration"}};
    m2m->Replace({config});
    return m2m;
  }();
  return *view;
}

}  // namespace warden::fuzz
