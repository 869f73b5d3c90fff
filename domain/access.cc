#include "domain/access.h"

#include <algorithm>

namespace warden {

const char* AccessName(Access a) {
  switch (a) {
    case Access::kNoAccess:
      return "NO_ACCESS";
    case Access::kRead:
      return "READ_ACCESS";
    case Access::kReadWrite:
      return "READ_WRITE_ACCESS";
  }
  return "NO_ACCESS";
}

std::optional<Access> ParseAccess(std::string_view name) {
  if (name == "NO_ACCESS") return Access::kNoAccess;
  if (name == "READ_ACCESS") return Access::kRead;
  if (name == "READ_WRITE_ACCESS") return Access::kReadWrite;
  return std::nullopt;
}

Access AccessFor(const PermissionMap& permissions, const std::string& resource) {
  auto it = permissions.find(resource);
  return it == permissions.end() ? Access::kNoAccess : it->second;
}

void MergeMax(PermissionMap& into, const PermissionMap& from) {
  for (const auto& [resource, level] : from) {
    Access& held = into[resource];
    held = std::max(held, level);
  }
}

}  // namespace warden
