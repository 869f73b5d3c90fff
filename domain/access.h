#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace warden {

// Access levels are ordered: a higher level includes every lower one.
enum class Access : int {
  kNoAccess = 0,
  kRead = 1,
  kReadWrite = 2,
};

// The SPEC's names: "NO_ACCESS", "READ_ACCESS", "READ_WRITE_ACCESS".
const char* AccessName(Access a);
// Parses the names above; nullopt for anything else.
std::optional<Access> ParseAccess(std::string_view name);

// Resource name -> level. Resources missing from the map have kNoAccess.
using PermissionMap = std::map<std::string, Access>;

// The level `permissions` grants on `resource` (kNoAccess when absent).
Access AccessFor(const PermissionMap& permissions, const std::string& resource);

// Raises each entry of `into` to at least the level in `from` (set union of grants).
void MergeMax(PermissionMap& into, const PermissionMap& from);

}  // namespace warden
