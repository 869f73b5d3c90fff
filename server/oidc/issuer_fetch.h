#pragma once

// How to fetch one issuer's keys, given its kind: discovery, plus the Kubernetes fallback of
// authenticating with the pod's service account when the API server refuses anonymous reads.

#include "absl/status/statusor.h"
#include "server/oidc/discovery.h"
#include "server/oidc/http_fetcher.h"
#include "server/oidc/issuer_spec.h"

namespace warden::oidc {

// DiscoverIssuerKeys(fetcher, spec.issuer, base) with base.ca_file = spec.ca_file. For
// KUBE_SERVICE_ACCOUNT, if that is refused with HTTP 401 or 403, once more with the bearer
// token read from spec.kube_token_path (re-read on every call: projected tokens rotate) and
// spec.kube_ca_path as the CA file (spec.ca_file if kube_ca_path is empty). Errors as
// DiscoverIssuerKeys; FAILED_PRECONDITION with a fixed message if the token file cannot be
// read (the path and the reason go to the log). The token is never logged nor put in a
// message. Thread-safe if `fetcher` is.
absl::StatusOr<IssuerKeys> FetchIssuerKeys(HttpFetcher& fetcher, const IssuerSpec& spec,
                                           const FetchOptions& base);

}  // namespace warden::oidc
