#pragma once

// YAML as JSON, for files whose fields are a protobuf message's in snake_case (wardenctl's
// `m2m config add|update -f FILE`): the YAML is read by the declarative file's own reader, so
// both kinds of file agree on YAML's rules, limits and error messages.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace warden {

// The one YAML document of `yaml_text`, a mapping, as a JSON object: mappings become objects,
// sequences arrays, plain true/True/TRUE and false/False/FALSE (unquoted, untagged) booleans,
// empty values and `~`/null null, every other scalar a string (numbers too: protobuf's JSON
// parser reads them from strings). `what` names the mapping in errors ("the config").
//
// Errors are INVALID_ARGUMENT "<source_name>:<line>: ..." (the line left out where unknown):
// "the file is empty" (no document, or a null one); "<what> must be a mapping, not a list";
// and those of the declarative file (declarative_config.h): over kMaxDeclarativeConfigBytes,
// a second document, YAML syntax, keys that are not distinct non-empty strings, text that is
// not UTF-8 or holds NUL, an empty list item, aliases that expand to too much data. So the
// JSON holds valid UTF-8 only. Never throws; thread-safe.
absl::StatusOr<nlohmann::json> ParseYamlObjectAsJson(absl::string_view yaml_text,
                                                     absl::string_view source_name,
                                                     absl::string_view what);

}  // namespace warden
