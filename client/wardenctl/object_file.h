#pragma once

// `wardenctl role|permission-set|scope create -f FILE`: one object from a file, in JSON or
// YAML.
//
// JSON is the object's message in the protobuf JSON mapping ({"name": ..., "resourceToAccess":
// {"Image": "READ_ACCESS"}}), or what `get -o json` prints ({"permissionSet": {...}}); access
// levels may be written as --grant takes them. YAML is one entry of the declarative
// configuration file (docs/declarative-config.md), read by that file's own parser
// (server/declarative, which needs only domain types and yaml-cpp), so both formats agree on
// every rule and error message.
//
// A file is JSON if its name ends in .json, YAML if in .yaml or .yml, else JSON if its first
// non-blank character is '{'. Errors: FAILED_PRECONDITION naming the path when it cannot be
// read; INVALID_ARGUMENT "<path>:<line>: ..." (YAML) or "<path>: ..." (JSON) when it is
// not one valid object.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "warden/v1/role.pb.h"

namespace warden::cli {

// `source_name` names the text in errors and decides the format as a path would.
absl::StatusOr<v1::PermissionSet> ParsePermissionSetText(absl::string_view text,
                                                         const std::string& source_name);
absl::StatusOr<v1::AccessScope> ParseAccessScopeText(absl::string_view text,
                                                     const std::string& source_name);
// The role's permission_set_id and access_scope_id hold what the text gives, a name or an id
// (YAML's permissionSet and accessScope are names); the caller resolves them.
absl::StatusOr<v1::Role> ParseRoleText(absl::string_view text, const std::string& source_name);

// The JSON object of a -f file whose fields are a protobuf message's (`m2m config`,
// `auth-provider`): JSON as it is, or YAML as declarative/yaml_json.h reads it (`what`
// names the mapping in its errors); the object under `wrapper` when that is its only key
// (what `get -o json` prints). The format is chosen as above. INVALID_ARGUMENT
// "<source>: ..." or "<source>:<line>: ..." when it is not one object.
absl::StatusOr<nlohmann::json> ParseObjectAsJson(absl::string_view text,
                                                 const std::string& source_name,
                                                 const std::string& wrapper,
                                                 absl::string_view what);

// The file at `path` (at most 1 MiB, like the declarative file).
absl::StatusOr<std::string> ReadObjectFile(const std::string& path);

}  // namespace warden::cli
