#include "server/api/m2m_convert.h"

#include "server/m2m/m2m_validation.h"

namespace warden {

void ToProto(const M2mConfig& config, v1::AuthMachineToMachineConfig* out) {
  out->set_id(config.id);
  switch (config.type) {
    case M2mType::kGeneric:
      out->set_type(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GENERIC);
      break;
    case M2mType::kGithubActions:
      out->set_type(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS);
      break;
    case M2mType::kKubeServiceAccount:
      out->set_type(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_KUBE_SERVICE_ACCOUNT);
      break;
  }
  out->set_issuer(config.issuer);
  for (const std::string& audience : config.audiences) out->add_audiences(audience);
  out->set_allow_any_audience(config.allow_any_audience);
  out->set_token_expiration_duration(absl::FormatDuration(config.token_lifetime));
  for (const M2mMapping& m : config.mappings) {
    v1::AuthMachineToMachineMapping* mapping = out->add_mappings();
    mapping->set_key(m.key);
    mapping->set_value_expression(m.value_expression);
    mapping->set_role(m.role);
  }
}

absl::StatusOr<M2mConfig> FromProto(const v1::AuthMachineToMachineConfig& config) {
  M2mConfig out;
  out.id = config.id();
  switch (config.type()) {
    case v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS:
      out.type = M2mType::kGithubActions;
      break;
    case v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_KUBE_SERVICE_ACCOUNT:
      out.type = M2mType::kKubeServiceAccount;
      break;
    default:
      out.type = M2mType::kGeneric;
  }
  out.issuer = config.issuer();
  out.audiences.assign(config.audiences().begin(), config.audiences().end());
  out.allow_any_audience = config.allow_any_audience();
  absl::StatusOr<absl::Duration> lifetime =
      ParseM2mTokenLifetime(config.token_expiration_duration());
  if (!lifetime.ok()) return lifetime.status();
  out.token_lifetime = *lifetime;
  for (const v1::AuthMachineToMachineMapping& m : config.mappings()) {
    out.mappings.push_back({m.key(), m.value_expression(), m.role()});
  }
  return out;
}

}  // namespace warden
