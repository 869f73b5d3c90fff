#pragma once

// What `wardenctl auth-provider add|update -f FILE` reads, and how `list` and `get` show
// providers.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "warden/v1/auth_provider.pb.h"

namespace warden::cli {

// A provider from the text of `auth-provider add|update -f FILE`: JSON in the protobuf
// mapping of AuthProvider (also as `auth-provider get -o json` prints it, under
// "provider"), or YAML with the same fields: name, issuer, clientId, clientSecretFile,
// scopes, nameClaim, minimumRole, rules: [{key, valueExpression, role}] (snake_case
// spellings work too: client_id, value_expression). `id`, `origin` and `revision` are
// accepted (what `get -o json` prints) and left for the caller to ignore. A `clientSecret`
// field is refused: the secret stays in a file on the server. `source_name` names the text
// in errors and decides the format as a path would (*.json JSON, *.yaml / *.yml YAML, else
// JSON if it starts with '{'). issuer and clientId are required, and every rule's three
// fields; name is not (`update` takes it from the provider). INVALID_ARGUMENT
// "<source>: ..." (YAML: "<source>:<line>: ..." where the line is known) when it is not
// one valid provider.
absl::StatusOr<v1::AuthProvider> ParseAuthProviderText(absl::string_view text,
                                                       const std::string& source_name);

// The rows `auth-provider list` prints: NAME, ISSUER, CLIENT ID, RULES (how many), ORIGIN.
std::string RenderAuthProviderTable(const std::vector<v1::AuthProvider>& providers);

// What `auth-provider get` prints: the provider's fields, then its rules as a table.
std::string RenderAuthProvider(const v1::AuthProvider& provider);

}  // namespace warden::cli
