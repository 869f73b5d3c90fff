#pragma once

#include <functional>
#include <optional>
#include <string>

namespace warden {

// Looks up an environment variable; nullopt when unset. main() passes one backed by
// getenv; configuration parsers take it so they never read the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

}  // namespace warden
