#include "server/api/auth_provider_convert.h"

#include "proto/convert/role_convert.h"

namespace warden {

void ToProto(const AuthProvider& provider, v1::AuthProvider* out) {
  out->set_id(provider.id);
  out->set_name(provider.name);
  out->set_issuer(provider.issuer);
  out->set_client_id(provider.client_id);
  out->set_client_secret_file(provider.client_secret_file);
  for (const std::string& scope : provider.scopes) out->add_scopes(scope);
  out->set_name_claim(provider.name_claim);
  for (const AuthProviderRule& rule : provider.rules) {
    v1::AuthProviderRule* r = out->add_rules();
    r->set_key(rule.key);
    r->set_value_expression(rule.value_expression);
    r->set_role(rule.role);
  }
  out->set_minimum_role(provider.minimum_role.empty() ? kNoneRoleName : provider.minimum_role);
  out->set_origin(ToProto(provider.origin));
  out->set_revision(provider.revision);
}

AuthProvider FromProto(const v1::AuthProvider& provider) {
  AuthProvider out;
  out.id = provider.id();
  out.name = provider.name();
  out.issuer = provider.issuer();
  out.client_id = provider.client_id();
  out.client_secret_file = provider.client_secret_file();
  out.scopes.assign(provider.scopes().begin(), provider.scopes().end());
  out.name_claim = provider.name_claim();
  for (const v1::AuthProviderRule& rule : provider.rules()) {
    out.rules.push_back(AuthProviderRule{rule.key(), rule.value_expression(), rule.role()});
  }
  out.minimum_role = provider.minimum_role();
  return out;
}

}  // namespace warden
