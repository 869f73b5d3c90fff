#pragma once

// What `wardenctl m2m config add|update` read: the flags that describe a configuration
// (--type, --issuer, --audience, --map, ...) or the file of -f FILE.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/wardenctl/command.h"
#include "client/wardenctl/session.h"
#include "warden/v1/auth.pb.h"

namespace warden::cli {

// One --map value, "KEY=REGEX=ROLE", split at the first and at the last '=' so that the
// expression may hold '=' (the claim key and the role may not); all three non-empty.
// INVALID_ARGUMENT with a message for the user, starting "--map", otherwise.
absl::StatusOr<v1::AuthMachineToMachineMapping> ParseMapping(const std::string& text);

// The configuration type `text` names: generic, github-actions, kube-service-account, or
// the enum's names with or without their prefix (GITHUB_ACTIONS,
// AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS); case-insensitive, '-' and '_'
// alike. nullopt for anything else, UNSPECIFIED included.
std::optional<v1::AuthMachineToMachineConfigType> ParseM2mType(absl::string_view text);
// "generic", "github-actions", "kube-service-account"; "generic" for UNSPECIFIED, which the
// server treats so.
std::string M2mTypeName(v1::AuthMachineToMachineConfigType type);

// A configuration from the text of `m2m config add|update -f FILE`: JSON in the protobuf
// mapping of AuthMachineToMachineConfig (also as `m2m config get -o json` prints it, under
// "config"), or YAML with the same fields in snake_case (type, issuer, audiences,
// allow_any_audience, token_expiration_duration, mappings: [{key, value_expression,
// role}]). `type` may be written as --type takes it. `source_name` names the text in
// errors and decides the format as a path would (*.json JSON, *.yaml / *.yml YAML, else
// JSON if it starts with '{'). YAML is read as the declarative file is, with its rules and
// messages (declarative/yaml_json.h). INVALID_ARGUMENT "<source>: ..." (YAML:
// "<source>:<line>: ..." where the line is known) when it is not one valid configuration.
absl::StatusOr<v1::AuthMachineToMachineConfig> ParseM2mConfigText(absl::string_view text,
                                                                  const std::string& source_name);

// The flags of `m2m config add|update`; `issuer_help` describes --issuer.
std::vector<FlagSpec> M2mConfigFlags(const std::string& issuer_help);

// The configuration the command line of `m2m config add|update` describes: from --file
// (which no flag of ConfigFlags may accompany), or from the flags. A usage error or a
// local error (the file) otherwise.
absl::StatusOr<v1::AuthMachineToMachineConfig> M2mConfigFromCommandLine(Session& session);

}  // namespace warden::cli
