#pragma once

// Internal to warden_declarative (yaml-cpp is a private dependency): the one YAML document of
// a text, parsed safely, for every reader of YAML in the library (the declarative file,
// YAML as JSON).

#include <cstddef>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "declarative/yaml_reader.h"
#include "yaml-cpp/yaml.h"

namespace warden::declarative_internal {

// Parses `yaml_text` and returns `read(reader, root)`: `reader` names `source_name` in its
// errors and has a work budget of four units per byte of `max_bytes` (an alias-free text
// within `max_bytes` spends at most about two, so only aliases reach it); `root` is the root
// node of the text's one document, a null node when the text holds none (it is empty or only
// comments). Errors, INVALID_ARGUMENT "<source_name>:<line>: ..." unless said otherwise:
//   "<source_name>: is larger than N bytes"   past `max_bytes`, found before parsing
//   "only one YAML document is allowed"       at the root of the second document
//   "YAML syntax error: ...", "YAML error: ..."  yaml-cpp's words, escaped and cut
//   whatever `read` returns; an exception `read` throws is caught like the parser's
//   INTERNAL "<source_name>: ..."             std::bad_alloc and the like
// Never throws; thread-safe.
absl::Status ReadYamlDocument(
    absl::string_view yaml_text, absl::string_view source_name, size_t max_bytes,
    absl::FunctionRef<absl::Status(YamlReader& reader, const YAML::Node& root)> read);

}  // namespace warden::declarative_internal
