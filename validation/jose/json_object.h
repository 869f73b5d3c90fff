#pragma once

// Strict JSON parsing for everything Warden reads from a token or an issuer: one object, no
// repeated member names, bounded nesting.

#include <cstddef>
#include <optional>
#include <string_view>

#include "nlohmann/json.hpp"

namespace warden::jose {

// The deepest nesting of arrays and objects in `text` (0 for a scalar), counting brackets
// outside string literals. Linear, iterative and allocation-free, so it is safe to run on
// hostile input before parsing it. Thread-safe.
size_t JsonNestingDepth(std::string_view text);

// Parses `text` as a JSON object. Returns nullopt for invalid JSON (including invalid UTF-8
// and a NUL byte, after which nlohmann alone would ignore the rest), any other JSON type, an
// object anywhere inside with a repeated member name (nlohmann would keep the last one
// silently, while another parser might keep the first), or, when `max_depth` > 0, nesting
// deeper than `max_depth` (checked before parsing). Never throws. Thread-safe.
std::optional<nlohmann::json> ParseJsonObject(std::string_view text, size_t max_depth = 0);

}  // namespace warden::jose
