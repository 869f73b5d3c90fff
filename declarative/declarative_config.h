#pragma once

// The declarative configuration file (docs/declarative-config.md): permission sets, access
// scopes, roles and auth providers that an operator keeps in YAML (in Kubernetes, a
// ConfigMap) instead of creating them through the API. This part only reads the file; storage
// applies the result and the server reloads it at start-up and on SIGHUP.

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/role.h"

namespace warden {

// Larger files are refused (INVALID_ARGUMENT) rather than read.
inline constexpr size_t kMaxDeclarativeConfigBytes = 1 << 20;

// Parses the YAML text of a declarative configuration. An empty text, or one holding only
// comments, is an empty configuration.
//
// Checks everything that needs no database: the YAML syntax, the shape (unknown keys and
// wrong node types are errors, so a typo never passes silently), names (ValidateName; auth
// provider names have the API's narrower form), access levels (ParseAccess), required fields,
// duplicate names within a kind and auth providers sharing an issuer and client id. It does
// not check that resources exist or that a role's permission set and scope, or the roles an
// auth provider grants, are defined: they may be built in or created through the API, and
// only storage knows. Nor does it check issuer URLs or rule expressions: the server does,
// as for providers added through the API.
//
// Every error is INVALID_ARGUMENT and its message starts "<source_name>:<line>: " (1-based
// line, left out only for the size limit) and says what is wrong, e.g.
// `roles.yaml:14: role "Token Issuer": permissionSet is required`. The first error found is
// reported; nothing of a bad text is returned. Never throws; thread-safe.
absl::StatusOr<DeclarativeConfig> ParseDeclarativeConfig(absl::string_view yaml_text,
                                                         absl::string_view source_name);

// Reads the file at `path` and parses it as above, naming `path` as the source in errors.
// FAILED_PRECONDITION naming `path` when it cannot be read (missing, a directory, no
// permission); INVALID_ARGUMENT when it is larger than kMaxDeclarativeConfigBytes, which is
// detected without reading the rest. Never throws; thread-safe.
absl::StatusOr<DeclarativeConfig> LoadDeclarativeConfigFile(const std::string& path);

}  // namespace warden
