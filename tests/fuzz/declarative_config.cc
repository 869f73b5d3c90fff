// Fuzzes the declarative configuration parser (server/declarative) on YAML text, the file an
// operator (or whoever can write the ConfigMap) hands the server.
//
// Checks: errors are INVALID_ARGUMENT, start "<source>:" and are one line (text from the
// file is quoted, so it cannot forge a second message); an accepted configuration obeys every
// documented rule (names, uniqueness, required fields); and it round-trips: written back as
// YAML (every string double-quoted and escaped) it parses to the same configuration.
//
// Input: YAML text (seeds: docs/declarative-config.md's examples).

#include "declarative/declarative_config.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/names.h"
#include "domain/role.h"
#include "tests/fuzz/fuzz_check.h"

namespace warden::fuzz {
namespace {

constexpr absl::string_view kSource = "fuzz.yaml";

// `text` as a YAML double-quoted scalar that reads back as exactly `text`. Escapes control
// characters, DEL and the code points YAML 1.1 treated as line breaks (U+0085, U+2028,
// U+2029) as \u (yaml-cpp 0.7 turns "\N" into a lone 0x85 byte, not U+0085); other bytes
// are kept as they are (an accepted configuration is valid UTF-8).
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::string_view rest = std::string_view(text).substr(i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else if (rest.substr(0, 2) == "\xc2\x85") {
      out += "\\u0085";
      ++i;
    } else if (rest.substr(0, 3) == "\xe2\x80\xa8") {
      out += "\\u2028";
      i += 2;
    } else if (rest.substr(0, 3) == "\xe2\x80\xa9") {
      out += "\\u2029";
      i += 2;
    } else if (rest.substr(0, 3) == "\xef\xbb\xbf") {
      out += "\\ufeff";  // A byte order mark, which a reader may drop.
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The configuration as YAML, in block style with every scalar quoted.
std::string ToYaml(const DeclarativeConfig& config) {
  std::string out = "permissionSets:\n";
  for (const PermissionSetSpec& set : config.permission_sets) {
    absl::StrAppend(&out, "  - name: ", Quoted(set.name),
                    "\n    description: ", Quoted(set.description), "\n    resources:\n");
    for (const auto& [resource, access] : set.permissions) {
      absl::StrAppend(&out, "      ", Quoted(resource), ": ", AccessName(access), "\n");
    }
  }
  out += "accessScopes:\n";
  for (const AccessScopeSpec& scope : config.access_scopes) {
    absl::StrAppend(&out, "  - name: ", Quoted(scope.name),
                    "\n    description: ", Quoted(scope.description),
                    "\n    rules:\n      clusters:\n");
    for (const std::string& cluster : scope.rules.clusters) {
      absl::StrAppend(&out, "        - ", Quoted(cluster), "\n");
    }
    out += "      namespaces:\n";
    for (const NamespaceRef& ns : scope.rules.namespaces) {
      absl::StrAppend(&out, "        - cluster: ", Quoted(ns.cluster),
                      "\n          namespace: ", Quoted(ns.name), "\n");
    }
  }
  out += "roles:\n";
  for (const DeclarativeRoleSpec& role : config.roles) {
    absl::StrAppend(&out, "  - name: ", Quoted(role.name),
                    "\n    description: ", Quoted(role.description),
                    "\n    permissionSet: ", Quoted(role.permission_set_name), "\n");
    if (!role.access_scope_name.empty()) {
      absl::StrAppend(&out, "    accessScope: ", Quoted(role.access_scope_name), "\n");
    }
  }
  return out;
}

bool Same(const DeclarativeConfig& a, const DeclarativeConfig& b) {
  if (a.permission_sets.size() != b.permission_sets.size() ||
      a.access_scopes.size() != b.access_scopes.size() || a.roles.size() != b.roles.size()) {
    return false;
  }
  for (size_t i = 0; i < a.permission_sets.size(); ++i) {
    const PermissionSetSpec &x = a.permission_sets[i], &y = b.permission_sets[i];
    if (x.name != y.name || x.description != y.description || x.permissions != y.permissions) {
      return false;
    }
  }
  for (size_t i = 0; i < a.access_scopes.size(); ++i) {
    const AccessScopeSpec &x = a.access_scopes[i], &y = b.access_scopes[i];
    if (x.name != y.name || x.description != y.description || !(x.rules == y.rules)) return false;
  }
  for (size_t i = 0; i < a.roles.size(); ++i) {
    const DeclarativeRoleSpec &x = a.roles[i], &y = b.roles[i];
    if (x.name != y.name || x.description != y.description ||
        x.permission_set_name != y.permission_set_name ||
        x.access_scope_name != y.access_scope_name) {
      return false;
    }
  }
  return true;
}

// Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): what
// PostgreSQL's text and protobuf's strings accept, so what storage and the API can carry.
bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length;
    uint32_t code_point, min;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xe0) == 0xc0) {
      length = 2, min = 0x80, code_point = lead & 0x1f;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3, min = 0x800, code_point = lead & 0x0f;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4, min = 0x10000, code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    if (code_point < min || code_point > 0x10ffff ||
        (code_point >= 0xd800 && code_point <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

void CheckName(const std::string& name) { FUZZ_CHECK(ValidateName(name, "name").ok()); }
// Storable text: valid UTF-8 without NUL, which PostgreSQL text cannot hold.
void CheckText(const std::string& text) {
  FUZZ_CHECK(IsValidUtf8(text));
  FUZZ_CHECK(text.find('\0') == std::string::npos);
}

// Every documented rule of docs/declarative-config.md that needs no database.
void CheckRules(const DeclarativeConfig& config) {
  std::set<std::string> names;
  for (const PermissionSetSpec& set : config.permission_sets) {
    CheckName(set.name);
    CheckText(set.description);
    FUZZ_CHECK(names.insert(set.name).second);
    for (const auto& [resource, access] : set.permissions) {
      FUZZ_CHECK(!resource.empty());
      CheckText(resource);
    }
  }
  names.clear();
  for (const AccessScopeSpec& scope : config.access_scopes) {
    CheckName(scope.name);
    CheckText(scope.description);
    FUZZ_CHECK(names.insert(scope.name).second);
    std::set<std::string> clusters;
    for (const std::string& cluster : scope.rules.clusters) {
      CheckName(cluster);
      FUZZ_CHECK(clusters.insert(cluster).second);
    }
    std::set<std::pair<std::string, std::string>> namespaces;
    for (const NamespaceRef& ns : scope.rules.namespaces) {
      CheckName(ns.cluster);
      CheckName(ns.name);
      FUZZ_CHECK(namespaces.emplace(ns.cluster, ns.name).second);
    }
  }
  names.clear();
  for (const DeclarativeRoleSpec& role : config.roles) {
    CheckName(role.name);
    CheckText(role.description);
    FUZZ_CHECK(names.insert(role.name).second);
    CheckName(role.permission_set_name);
    if (!role.access_scope_name.empty()) CheckName(role.access_scope_name);
  }
}

}  // namespace
}  // namespace warden::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace warden;
  using namespace warden::fuzz;
  const absl::string_view text = ToAbsl(AsStringView(data, size));
  const absl::StatusOr<DeclarativeConfig> config = ParseDeclarativeConfig(text, kSource);
  if (!config.ok()) {
    const absl::Status& status = config.status();
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(status), status);
    FUZZ_CHECK_STATUS(absl::StartsWith(status.message(), absl::StrCat(kSource, ":")), status);
    FUZZ_CHECK_STATUS(!absl::StrContains(status.message(), "\n"), status);
    FUZZ_CHECK_STATUS(!absl::StrContains(status.message(), "\r"), status);
    return 0;
  }
  CheckRules(*config);
  const std::string yaml = ToYaml(*config);
  const absl::StatusOr<DeclarativeConfig> again = ParseDeclarativeConfig(yaml, kSource);
  if (!again.ok()) std::fprintf(stderr, "rewritten YAML:\n%s\n", yaml.c_str());
  FUZZ_CHECK_STATUS(again.ok(), again.status());
  if (!Same(*again, *config)) {
    std::fprintf(stderr, "parsed, as YAML:\n%s\nread back, as YAML:\n%s\n",
                 absl::CHexEscape(yaml).c_str(), absl::CHexEscape(ToYaml(*again)).c_str());
  }
  FUZZ_CHECK(Same(*again, *config));
  return 0;
}
