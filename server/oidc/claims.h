#pragma once

// Claims of a verified ID token as flat key -> values, the form M2M mappings match against
// (SPEC §4).

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace warden::oidc {

struct FlattenLimits {
  size_t max_depth = 16;     // Objects/arrays nested deeper are left out.
  size_t max_keys = 256;     // Keys beyond this are left out.
  size_t max_values = 1024;  // Values beyond this (over all keys) are left out.
};

// Flattens `claims` (a JSON object; anything else yields nothing):
//  - nested objects become dotted keys: {"a":{"b":{"c":"x"}}} -> "a.b.c": ["x"];
//  - arrays become several values of one key: {"groups":["x","y"]} -> "groups": ["x","y"]
//    (objects inside arrays are flattened under the array's key, nested arrays merged);
//  - strings as they are; numbers and booleans as their JSON text ("42", "1.5", "true");
//  - null, empty objects and empty arrays yield no value.
// What exceeds `limits` is left out, so a claim can only ever be missing, never invented.
// Members are visited in key order, so what is kept is deterministic. Thread-safe.
std::map<std::string, std::vector<std::string>> FlattenClaims(const nlohmann::json& claims,
                                                              const FlattenLimits& limits = {});

}  // namespace warden::oidc
