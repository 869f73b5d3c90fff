#pragma once

// Which outside issuer to trust and how to reach it: the part of an M2M configuration
// (SPEC §4) that the key fetching needs.

#include <string>

namespace warden::oidc {

enum class IssuerType { kGeneric, kGithubActions, kKubeServiceAccount };

// GitHub Actions' issuer (SPEC §4): a GITHUB_ACTIONS configuration always uses it.
inline constexpr char kGithubActionsIssuer[] = "https://token.actions.githubusercontent.com";

struct IssuerSpec {
  std::string issuer;  // Exactly as tokens carry it in "iss".
  IssuerType type = IssuerType::kGeneric;
  std::string ca_file;  // CAs to trust instead of the system's; empty: the system's.
  // KUBE_SERVICE_ACCOUNT only: when the issuer refuses an anonymous fetch (HTTP 401/403),
  // the fetch is retried with this pod's service account token, trusting the cluster CA.
  std::string kube_token_path = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string kube_ca_path = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

  bool operator==(const IssuerSpec&) const = default;
};

}  // namespace warden::oidc
