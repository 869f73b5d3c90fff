#pragma once

// The resources of the seeded permission sets (storage/migrations/0002_seed.sql), for tests
// that check the seed or need a realistic, full permission map.

#include <string>
#include <vector>

namespace warden {

inline const std::vector<std::string>& DefaultResources() {
  static const auto* const resources =
      new std::vector<std::string>{"Access",
                                   "Administration",
                                   "Alert",
                                   "CVE",
                                   "Cluster",
                                   "Compliance",
                                   "Deployment",
                                   "DeploymentExtension",
                                   "Detection",
                                   "Image",
                                   "Integration",
                                   "K8sRole",
                                   "K8sRoleBinding",
                                   "K8sSubject",
                                   "Namespace",
                                   "NetworkGraph",
                                   "NetworkPolicy",
                                   "Node",
                                   "Secret",
                                   "ServiceAccount",
                                   "VulnerabilityManagementApprovals",
                                   "VulnerabilityManagementRequests",
                                   "WatchedImage",
                                   "WorkflowAdministration"};
  return *resources;
}

}  // namespace warden
