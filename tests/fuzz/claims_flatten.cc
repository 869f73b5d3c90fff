// Fuzzes the OIDC claim flattener (server/oidc/claims.h) and the M2M mapping matcher it
// feeds, on what an outside issuer controls: the JSON payload of its ID token, parsed as
// VerifyJws parses it (strict, at most oidc::kMaxIdTokenJsonDepth deep).
//
// Input: JSON text (seeds: GitHub Actions and Kubernetes service-account claims).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "server/m2m/mapping_matcher.h"
#include "server/oidc/claims.h"
#include "server/oidc/id_token.h"
#include "tests/fuzz/fuzz_check.h"
#include "validation/jose/json_object.h"

namespace warden::fuzz {
namespace {

using Json = nlohmann::json;
using Flat = std::map<std::string, std::vector<std::string>>;

size_t CountValues(const Flat& flat) {
  size_t values = 0;
  for (const auto& [key, list] : flat) values += list.size();
  return values;
}

void CheckWithinLimits(const Flat& flat, const oidc::FlattenLimits& limits) {
  FUZZ_CHECK(flat.size() <= limits.max_keys);
  FUZZ_CHECK(CountValues(flat) <= limits.max_values);
  // (A key may be empty: JSON allows "" as a member name, and no mapping can name it.)
  for (const auto& [key, values] : flat) FUZZ_CHECK(!values.empty());
}

// `part` is `whole` with elements left out (order kept).
bool IsSubsequence(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  size_t next = 0;
  for (const std::string& value : whole) {
    if (next < part.size() && part[next] == value) ++next;
  }
  return next == part.size();
}

// Tighter limits only ever leave claims out: never invent, reorder or move one.
void CheckOnlyLeavesOut(const Flat& tight, const Flat& full) {
  for (const auto& [key, values] : tight) {
    const auto it = full.find(key);
    FUZZ_CHECK(it != full.end());
    FUZZ_CHECK(IsSubsequence(values, it->second));
  }
}

// Mappings in the shape of docs' GitHub Actions and Kubernetes examples.
const MappingMatcher& Matcher() {
  static const MappingMatcher* const matcher = new MappingMatcher({
      {"repository", "octo-org/.*", "Continuous Integration"},
      {"ref", "refs/heads/main", "Release"},
      {"job_workflow_ref", "octo-org/workflows/\\.github/workflows/deploy\\.yml@.*", "Deployer"},
      {"kubernetes.io.namespace", "payments|billing", "Analyst"},
      {"groups", "admins", "Admin"},
      {"email_verified", "true", "Verified"},
  });
  return *matcher;
}

}  // namespace
}  // namespace warden::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace warden;
  using namespace warden::fuzz;
  const std::optional<Json> claims =
      jose::ParseJsonObject(AsStringView(data, size), oidc::kMaxIdTokenJsonDepth);
  if (!claims.has_value()) return 0;

  const oidc::FlattenLimits defaults;
  const Flat full = oidc::FlattenClaims(*claims, defaults);
  CheckWithinLimits(full, defaults);
  FUZZ_CHECK(oidc::FlattenClaims(*claims, defaults) == full);  // Deterministic.

  // While nothing hit a limit, every top-level string claim is there as it was.
  const bool complete = full.size() < defaults.max_keys && CountValues(full) < defaults.max_values;
  if (complete) {
    for (const auto& [name, value] : claims->items()) {
      if (!value.is_string()) continue;
      const auto it = full.find(name);
      FUZZ_CHECK(it != full.end());
      FUZZ_CHECK(std::find(it->second.begin(), it->second.end(), value.get<std::string>()) !=
                 it->second.end());
    }
  }

  oidc::FlattenLimits tight;
  tight.max_depth = 2;
  tight.max_keys = 4;
  tight.max_values = 8;
  const Flat small = oidc::FlattenClaims(*claims, tight);
  CheckWithinLimits(small, tight);
  if (complete) CheckOnlyLeavesOut(small, full);

  // The roles an exchange would grant: sorted, unique, and only ones a mapping names; and
  // fewer claims never grant more.
  const std::vector<std::string> roles = Matcher().Roles(full);
  FUZZ_CHECK(std::is_sorted(roles.begin(), roles.end()));
  FUZZ_CHECK(std::adjacent_find(roles.begin(), roles.end()) == roles.end());
  for (const std::string& role : roles) {
    FUZZ_CHECK(role == "Continuous Integration" || role == "Release" || role == "Deployer" ||
               role == "Analyst" || role == "Admin" || role == "Verified");
  }
  if (complete) {
    for (const std::string& role : Matcher().Roles(small)) {
      FUZZ_CHECK(std::binary_search(roles.begin(), roles.end(), role));
    }
  }
  return 0;
}
