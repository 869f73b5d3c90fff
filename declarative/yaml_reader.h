#pragma once

// Internal to warden_declarative (yaml-cpp is a private dependency): reads yaml-cpp nodes
// into plain values, turning every problem into a status that names the source and line.

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "yaml-cpp/yaml.h"

namespace warden::declarative_internal {

// The 1-based line of `mark`, or 0 when yaml-cpp knows no position.
int LineOf(const YAML::Mark& mark);

// `text` in double quotes for an error message: quotes, backslashes and control characters
// escaped (valid UTF-8 kept), cut after 64 bytes, so a hostile key cannot forge a message.
std::string Quote(absl::string_view text);

// One entry of a mapping. `mark` is the key's position: yaml-cpp gives an empty value the
// position of the next token, often on a later line, so errors point at the key instead.
struct Field {
  std::string key;
  YAML::Mark mark;
  YAML::Node value;
};

// The field named `key`, or nullptr when it is absent or its value is null (`key:` or
// `key: ~`), which the format treats alike.
const Field* FindField(const std::vector<Field>& fields, absl::string_view key);

// Reads the nodes of one source. Every error is INVALID_ARGUMENT with the message
// "<source>:<line>: <context>: <problem>" (": <context>" is left out when empty).
//
// yaml-cpp shares aliased nodes instead of copying them, so a 1 MiB file could name one
// long string or list a million times. The reader therefore counts its work (one unit per
// entry or item, one per byte of text) and fails once `max_work` is spent.
//
// The methods may throw yaml-cpp exceptions only on a yaml-cpp bug or std::bad_alloc; the
// caller catches. Not thread-safe (it counts); one reader per parse.
class YamlReader final {
 public:
  YamlReader(std::string source_name, size_t max_work);

  // INVALID_ARGUMENT "<source>:<line of at>: <context>: <problem>".
  absl::Status Error(const YAML::Mark& at, absl::string_view context,
                     absl::string_view problem) const;

  // The entries of `node`, in file order. `node` must be a mapping (null reads as empty)
  // whose keys are distinct non-empty strings and, unless `allowed` is empty, among
  // `allowed`. `what` names the node in errors ("resources"); `at` is where it is.
  absl::StatusOr<std::vector<Field>> Mapping(const YAML::Node& node, const YAML::Mark& at,
                                             absl::string_view context, absl::string_view what,
                                             std::initializer_list<absl::string_view> allowed);

  // The items of `node`, which must be a sequence (null reads as empty) with no null item.
  absl::StatusOr<std::vector<YAML::Node>> Sequence(const YAML::Node& node, const YAML::Mark& at,
                                                   absl::string_view context,
                                                   absl::string_view what);

  // The text of `node`, which must be a scalar (not null, a sequence or a mapping). Tags are
  // ignored: `name: 123` reads as "123".
  absl::StatusOr<std::string> String(const YAML::Node& node, const YAML::Mark& at,
                                     absl::string_view context, absl::string_view what);

 private:
  absl::Status Spend(const YAML::Mark& at, size_t units);

  std::string source_name_;
  size_t work_left_;
};

}  // namespace warden::declarative_internal
