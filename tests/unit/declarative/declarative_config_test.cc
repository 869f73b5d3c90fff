#include "declarative/declarative_config.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace warden {
namespace {

// The example of docs/declarative-config.md (keep the two in step).
constexpr char kFullExample[] = R"yaml(# warden declarative configuration
permissionSets:
  - name: Token Issuer
    description: Mints tokens for CI        # optional
    resources:
      Access: READ_ACCESS
      Integration: READ_WRITE_ACCESS
      Image: READ_ACCESS
  - name: Nothing                           # no resources: grants nothing
accessScopes:
  - name: team-a
    description: Team A's clusters
    rules:
      clusters: [prod-eu]                   # whole clusters
      namespaces:                           # single namespaces
        - {cluster: prod-us, namespace: payments}
        - cluster: prod-us
          namespace: billing
roles:
  - name: Token Issuer
    description: Issues CI tokens
    permissionSet: Token Issuer
    accessScope: Unrestricted               # optional; default Unrestricted
  - name: Team A reader
    permissionSet: Analyst                  # a built-in permission set
    accessScope: team-a
  - name: Quiet
    permissionSet: Nothing
authProviders:
  - name: corp
    issuer: https://login.corp.example.com
    clientId: warden
    clientSecretFile: /etc/warden/corp/client-secret   # optional; absent: a public client
    scopes: [openid, email, groups]         # optional; absent: openid email profile
    nameClaim: email                        # optional; absent: email, else sub
    minimumRole: Team A reader              # optional; absent: None
    rules:
      - key: groups
        valueExpression: platform-admins
        role: Token Issuer
      - {key: org.team, valueExpression: "team-a|team-b", role: Team A reader}
)yaml";

// Parses `yaml` as "roles.yaml", expects INVALID_ARGUMENT, returns the message.
std::string ErrorOf(const std::string& yaml) {
  auto config = ParseDeclarativeConfig(yaml, "roles.yaml");
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(config.status().message());
}

TEST_CASE("the full example parses to the exact configuration") {
  auto config = ParseDeclarativeConfig(kFullExample, "roles.yaml");
  REQUIRE(config.ok());

  REQUIRE(config->permission_sets.size() == 2);
  const PermissionSetSpec& issuer = config->permission_sets[0];
  CHECK(issuer.name == "Token Issuer");
  CHECK(issuer.description == "Mints tokens for CI");
  CHECK(issuer.permissions == PermissionMap{{"Access", Access::kRead},
                                            {"Integration", Access::kReadWrite},
                                            {"Image", Access::kRead}});
  CHECK(config->permission_sets[1].name == "Nothing");
  CHECK(config->permission_sets[1].description.empty());
  CHECK(config->permission_sets[1].permissions.empty());

  REQUIRE(config->access_scopes.size() == 1);
  const AccessScopeSpec& team_a = config->access_scopes[0];
  CHECK(team_a.name == "team-a");
  CHECK(team_a.description == "Team A's clusters");
  CHECK(team_a.rules == ScopeRules{{"prod-eu"}, {{"prod-us", "payments"}, {"prod-us", "billing"}}});

  REQUIRE(config->roles.size() == 3);
  const DeclarativeRoleSpec& role = config->roles[0];
  CHECK(role.name == "Token Issuer");
  CHECK(role.description == "Issues CI tokens");
  CHECK(role.permission_set_name == "Token Issuer");
  CHECK(role.access_scope_name == "Unrestricted");
  CHECK(config->roles[1].name == "Team A reader");
  CHECK(config->roles[1].permission_set_name == "Analyst");
  CHECK(config->roles[1].access_scope_name == "team-a");
  // No accessScope: left empty, which DeclarativeRoleSpec defines as Unrestricted.
  CHECK(config->roles[2].access_scope_name.empty());

  REQUIRE(config->auth_providers.size() == 1);
  DeclarativeAuthProviderSpec corp;
  corp.name = "corp";
  corp.issuer = "https://login.corp.example.com";
  corp.client_id = "warden";
  corp.client_secret_file = "/etc/warden/corp/client-secret";
  corp.scopes = {"openid", "email", "groups"};
  corp.name_claim = "email";
  corp.minimum_role = "Team A reader";
  corp.rules = {{"groups", "platform-admins", "Token Issuer"},
                {"org.team", "team-a|team-b", "Team A reader"}};
  CHECK(config->auth_providers[0] == corp);
}

TEST_CASE("an auth provider needs only a name, an issuer and a client id") {
  auto config = ParseDeclarativeConfig(
      "authProviders:\n  - name: p1\n    issuer: https://a.example.com\n    clientId: c\n"
      "  - name: p2\n    issuer: https://a.example.com\n    clientId: d\n    rules: []\n",
      "roles.yaml");
  REQUIRE(config.ok());
  REQUIRE(config->auth_providers.size() == 2);
  DeclarativeAuthProviderSpec bare;
  bare.name = "p1";
  bare.issuer = "https://a.example.com";
  bare.client_id = "c";
  CHECK(config->auth_providers[0] == bare);
  CHECK(config->auth_providers[1].client_id == "d");
}

TEST_CASE("auth provider errors name the line and what is wrong") {
  constexpr char kHead[] = "authProviders:\n  - name: corp\n    issuer: https://i\n";
  SECTION("required fields") {
    CHECK(ErrorOf(absl::StrCat(kHead, "    rules: []\n")) ==
          "roles.yaml:2: auth provider \"corp\": clientId is required");
    CHECK(ErrorOf("authProviders:\n  - name: corp\n    clientId: c\n") ==
          "roles.yaml:2: auth provider \"corp\": issuer is required");
    CHECK(ErrorOf("authProviders:\n  - issuer: i\n") ==
          "roles.yaml:2: auth provider: name is required");
    CHECK(
        ErrorOf(absl::StrCat(kHead, "    clientId: c\n    rules:\n      - {key: g, role: r}\n")) ==
        "roles.yaml:6: auth provider \"corp\": a rule needs a valueExpression");
    CHECK(ErrorOf(absl::StrCat(kHead,
                               "    clientId: c\n    rules:\n"
                               "      - {key: '', valueExpression: x, role: r}\n")) ==
          "roles.yaml:6: auth provider \"corp\": a rule's key is empty");
  }
  SECTION("unknown keys, in the entry and in rules") {
    CHECK(ErrorOf(absl::StrCat(kHead, "    clientID: c\n")) ==
          "roles.yaml:4: auth provider: unknown key \"clientID\" (expected one of name, issuer, "
          "clientId, clientSecretFile, scopes, nameClaim, minimumRole, rules)");
    CHECK(ErrorOf(absl::StrCat(kHead,
                               "    clientId: c\n    rules:\n"
                               "      - {key: g, value: x, role: r}\n")) ==
          "roles.yaml:6: auth provider \"corp\": unknown key \"value\" (expected one of key, "
          "valueExpression, role)");
  }
  SECTION("names have the API's form and are unique") {
    CHECK(ErrorOf("authProviders:\n  - name: Corp\n    issuer: i\n    clientId: c\n") ==
          "roles.yaml:2: auth provider \"Corp\": name must be 1 to 64 of a-z, 0-9 and '-', "
          "starting with a letter");
    CHECK(ErrorOf(absl::StrCat(kHead,
                               "    clientId: c\n  - name: corp\n    issuer: j\n"
                               "    clientId: c\n")) ==
          "roles.yaml:5: auth provider \"corp\" is defined twice (first on line 2)");
  }
  SECTION("one provider per issuer and client id") {
    CHECK(ErrorOf(absl::StrCat(kHead,
                               "    clientId: c\n  - name: other\n    issuer: https://i\n"
                               "    clientId: c\n")) ==
          "roles.yaml:5: auth provider \"other\": issuer and clientId are those of auth provider "
          "\"corp\" (line 2)");
  }
  SECTION("wrong node types") {
    CHECK(ErrorOf(absl::StrCat(kHead, "    clientId: c\n    scopes: openid\n")) ==
          "roles.yaml:5: auth provider \"corp\": scopes must be a list, not a string");
    CHECK(ErrorOf(absl::StrCat(kHead, "    clientId: c\n    rules: {key: g}\n")) ==
          "roles.yaml:5: auth provider \"corp\": rules must be a list, not a mapping");
    CHECK(ErrorOf(absl::StrCat(kHead, "    clientId: [c]\n")) ==
          "roles.yaml:4: auth provider \"corp\": clientId must be a string, not a list");
    CHECK(ErrorOf(absl::StrCat(kHead, "    clientId: c\n    minimumRole: \"a\\nb\"\n")) ==
          "roles.yaml:5: auth provider \"corp\": minimumRole must contain only printable "
          "characters");
  }
}

TEST_CASE("empty text, comments only, an empty document and empty lists are empty configs") {
  for (const char* yaml : {"", "\n\n", "# nothing here\n  # still nothing\n", "---\n", "~\n",
                           "permissionSets: []\naccessScopes:\nroles: []\nauthProviders: []\n"}) {
    INFO(yaml);
    auto config = ParseDeclarativeConfig(yaml, "roles.yaml");
    REQUIRE(config.ok());
    CHECK(config->permission_sets.empty());
    CHECK(config->access_scopes.empty());
    CHECK(config->roles.empty());
    CHECK(config->auth_providers.empty());
  }
}

TEST_CASE("NO_ACCESS is a valid level, and quoted or numeric scalars are strings") {
  auto config = ParseDeclarativeConfig(
      "permissionSets:\n  - name: \"123\"\n    resources: {Image: NO_ACCESS}\n"
      "roles:\n  - name: 42\n    permissionSet: '123'\n",
      "roles.yaml");
  REQUIRE(config.ok());
  CHECK(config->permission_sets[0].name == "123");
  CHECK(config->permission_sets[0].permissions == PermissionMap{{"Image", Access::kNoAccess}});
  CHECK(config->roles[0].name == "42");
}

TEST_CASE("errors name the source, the line and what is wrong") {
  SECTION("a role without permissionSet points at the role") {
    CHECK(ErrorOf("roles:\n  - name: a\n    permissionSet: x\n  - name: Token Issuer\n"
                  "    description: d\n") ==
          "roles.yaml:4: role \"Token Issuer\": permissionSet is required");
  }
  SECTION("unknown keys, at the top and inside entries") {
    CHECK(ErrorOf("# c\npermisionSets: []\n") ==
          "roles.yaml:2: unknown key \"permisionSets\" (expected one of permissionSets, "
          "accessScopes, roles, authProviders)");
    CHECK(ErrorOf("roles:\n  - name: r\n    permissionSet: p\n    acessScope: s\n") ==
          "roles.yaml:4: role: unknown key \"acessScope\" (expected one of name, description, "
          "permissionSet, accessScope)");
    CHECK(absl::StartsWith(ErrorOf("accessScopes:\n  - name: s\n    rules:\n      cluster: [a]\n"),
                           "roles.yaml:4: access scope \"s\": unknown key \"cluster\""));
    CHECK(absl::StartsWith(ErrorOf("accessScopes:\n  - name: s\n    rules:\n      namespaces:\n"
                                   "        - {cluster: a, name: b}\n"),
                           "roles.yaml:5: access scope \"s\": unknown key \"name\""));
  }
  SECTION("duplicate names within a kind, but not across kinds") {
    CHECK(ErrorOf("roles:\n  - name: r\n    permissionSet: p\n  - name: r\n"
                  "    permissionSet: q\n") ==
          "roles.yaml:4: role \"r\" is defined twice (first on line 2)");
    CHECK(ErrorOf("permissionSets:\n  - name: p\n\n  - name: p\n") ==
          "roles.yaml:4: permission set \"p\" is defined twice (first on line 2)");
    CHECK(ErrorOf("accessScopes:\n  - {name: s}\n  - {name: s}\n") ==
          "roles.yaml:3: access scope \"s\" is defined twice (first on line 2)");
    CHECK(ParseDeclarativeConfig("permissionSets: [{name: x}]\naccessScopes: [{name: x}]\n"
                                 "roles: [{name: x, permissionSet: x, accessScope: x}]\n",
                                 "roles.yaml")
              .ok());
  }
  SECTION("repeated keys are not silently overwritten") {
    CHECK(ErrorOf("roles: []\n\nroles: []\n") ==
          "roles.yaml:3: key \"roles\" appears twice (first on line 1)");
    CHECK(ErrorOf("permissionSets:\n  - name: p\n    resources:\n      Image: READ_ACCESS\n"
                  "      Image: NO_ACCESS\n") ==
          "roles.yaml:5: permission set \"p\": key \"Image\" appears twice (first on line 4)");
  }
  SECTION("access levels must be NO_ACCESS, READ_ACCESS or READ_WRITE_ACCESS") {
    CHECK(ErrorOf("permissionSets:\n  - name: p\n    resources:\n      Image: READ_ACCESS\n"
                  "      Alert: read_access\n") ==
          "roles.yaml:5: permission set \"p\": access level of resource \"Alert\" is "
          "\"read_access\", not NO_ACCESS, READ_ACCESS or READ_WRITE_ACCESS");
    CHECK(ErrorOf("permissionSets:\n  - name: p\n    resources:\n      Image:\n") ==
          "roles.yaml:4: permission set \"p\": access level of resource \"Image\" must be a "
          "string, not empty");
  }
  SECTION("required fields") {
    CHECK(ErrorOf("permissionSets:\n  - description: d\n") ==
          "roles.yaml:2: permission set: name is required");
    CHECK(ErrorOf("roles:\n  - name: r\n    permissionSet:\n") ==
          "roles.yaml:2: role \"r\": permissionSet is required");
    CHECK(ErrorOf("accessScopes:\n  - name: s\n    rules:\n      namespaces:\n"
                  "        - {cluster: a}\n") ==
          "roles.yaml:5: access scope \"s\": a namespace entry needs a namespace");
    CHECK(ErrorOf("roles:\n  - name: ''\n    permissionSet: p\n") ==
          "roles.yaml:2: role: name must not be empty");
  }
  SECTION("wrong node types") {
    CHECK(ErrorOf("- roles\n") == "roles.yaml:1: the configuration must be a mapping, not a list");
    CHECK(ErrorOf("just text\n") ==
          "roles.yaml:1: the configuration must be a mapping, not a string");
    CHECK(ErrorOf("roles:\n  name: r\n") == "roles.yaml:1: roles must be a list, not a mapping");
    CHECK(ErrorOf("roles:\n  - r\n") ==
          "roles.yaml:2: role: the entry must be a mapping, not a string");
    CHECK(ErrorOf("roles:\n  - name: [r]\n    permissionSet: p\n") ==
          "roles.yaml:2: role: name must be a string, not a list");
    CHECK(ErrorOf("permissionSets:\n  - name: p\n    resources: [Image]\n") ==
          "roles.yaml:3: permission set \"p\": resources must be a mapping, not a list");
    CHECK(ErrorOf("accessScopes:\n  - name: s\n    rules:\n      clusters: prod\n") ==
          "roles.yaml:4: access scope \"s\": clusters must be a list, not a string");
    CHECK(ErrorOf("accessScopes:\n  - name: s\n    rules:\n      clusters:\n        - a\n"
                  "        -\n        - b\n") ==
          "roles.yaml:4: access scope \"s\": item 2 of clusters is empty");
    CHECK(ErrorOf("roles:\n  - name: r\n    permissionSet: p\n    description: {a: b}\n") ==
          "roles.yaml:4: role \"r\": description must be a string, not a mapping");
    CHECK(ErrorOf("roles:\n  - name: r\n    ? [x]\n    : y\n") ==
          "roles.yaml:3: role: keys must be non-empty strings");
  }
  SECTION("resource names need only be non-empty strings") {
    CHECK(ErrorOf("permissionSets:\n  - name: p\n    resources:\n      '': READ_ACCESS\n") ==
          "roles.yaml:4: permission set \"p\": keys must be non-empty strings");
  }
  SECTION("clusters and namespaces are listed once") {
    CHECK(ErrorOf("accessScopes:\n  - name: s\n    rules:\n      clusters: [a, b,\n"
                  "        a]\n") ==
          "roles.yaml:5: access scope \"s\": cluster \"a\" is listed twice");
    CHECK(ErrorOf("accessScopes:\n  - name: s\n    rules:\n      namespaces:\n"
                  "        - {cluster: a, namespace: n}\n        - {cluster: a, namespace: n}\n") ==
          "roles.yaml:6: access scope \"s\": namespace \"n\" of cluster \"a\" is listed twice");
  }
}

TEST_CASE("YAML syntax errors name the line") {
  CHECK(ErrorOf("roles:\n  - name: r\n    permissionSet: [p\n  - name: q\n") ==
        "roles.yaml:4: YAML syntax error: end of sequence flow not found");
  CHECK(ErrorOf("roles:\n  - name: r\n    permissionSet: p: q\n") ==
        "roles.yaml:3: YAML syntax error: illegal map value");
  CHECK(ErrorOf("roles:\n  - name: r\n   permissionSet: p\n") ==
        "roles.yaml:3: YAML syntax error: end of sequence not found");
  CHECK(ErrorOf("roles: *nowhere\n") ==
        "roles.yaml:1: YAML syntax error: the referenced anchor is not defined");
}

TEST_CASE("a second document is refused rather than ignored") {
  CHECK(ErrorOf("roles: []\n---\nroles: [{name: r}]\n") ==
        "roles.yaml:3: only one YAML document is allowed");
}

TEST_CASE("hostile names: control characters are refused and never echoed") {
  CHECK(ErrorOf("roles:\n  - name: \"evil\\nroles.yaml:1: fine\"\n    permissionSet: p\n") ==
        "roles.yaml:2: role: name must contain only printable characters");
  CHECK(ErrorOf("roles:\n  - name: \"bell\\a\"\n    permissionSet: p\n") ==
        "roles.yaml:2: role: name must contain only printable characters");
  CHECK(ErrorOf("roles:\n  - name: bad \xff\n    permissionSet: p\n") ==
        "roles.yaml:2: role: name is not valid UTF-8");
  CHECK(ErrorOf(absl::StrCat("permissionSets:\n  - name: ", std::string(129, 'n'), "\n")) ==
        "roles.yaml:2: permission set: name is 129 characters long; the limit is 128");
  CHECK(ErrorOf("accessScopes:\n  - name: s\n    rules:\n      clusters: [\"a\\tb\"]\n") ==
        "roles.yaml:4: access scope \"s\": cluster must contain only printable characters");
  CHECK(ErrorOf("roles:\n  - name: r\n    permissionSet: \"p\\r\"\n") ==
        "roles.yaml:3: role \"r\": permissionSet must contain only printable characters");
}

TEST_CASE("hostile names: quotes are printable, so valid, and escaped in messages") {
  auto config = ParseDeclarativeConfig(
      "permissionSets:\n  - name: 'say \"hi\"'\nroles:\n  - name: 'say \"hi\"'\n"
      "    permissionSet: 'say \"hi\"'\n",
      "roles.yaml");
  REQUIRE(config.ok());
  CHECK(config->roles[0].permission_set_name == "say \"hi\"");
  CHECK(ErrorOf("roles:\n  - name: 'a\"b'\n") ==
        "roles.yaml:2: role \"a\\\"b\": permissionSet is required");
  // A key with a newline cannot forge a second line in the message.
  CHECK(ErrorOf("\"bad\\nroles.yaml:9: ok\": 1\n") ==
        "roles.yaml:1: unknown key \"bad\\nroles.yaml:9: ok\" (expected one of permissionSets, "
        "accessScopes, roles, authProviders)");
}

TEST_CASE("the size limit and alias expansion are refused") {
  std::string big(kMaxDeclarativeConfigBytes + 1, '#');
  auto config = ParseDeclarativeConfig(big, "roles.yaml");
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(config.status().message() == "roles.yaml: is larger than 1048576 bytes");

  // One 100 KB description named by 100 roles: 10 MB from a 100 KB file.
  std::string yaml = absl::StrCat("permissionSets:\n  - name: p\n    description: &d ",
                                  std::string(100000, 'x'), "\nroles:\n");
  for (int i = 0; i < 100; ++i) {
    absl::StrAppend(&yaml, "  - {name: r", i, ", permissionSet: p, description: *d}\n");
  }
  CHECK(absl::StrContains(ErrorOf(yaml), "expands to too much data"));
}

}  // namespace
}  // namespace warden
