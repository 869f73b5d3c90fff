#include "client/wardenctl/role_commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/wardenctl/object_commands.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/role_support.h"
#include "client/wardenctl/session.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

constexpr char kNotFoundHint[] = "check the name (`wardenctl role list`)";

// `role`'s permission set and scope, given by name or id (in flags or a file), as ids.
// An empty scope stays empty: the server reads it as Unrestricted.
absl::Status ResolveReferences(Client& client, v1::Role& role) {
  ASSIGN_OR_RETURN(v1::PermissionSet set, FindPermissionSet(client, role.permission_set_id()));
  role.set_permission_set_id(set.id());
  if (!role.access_scope_id().empty()) {
    ASSIGN_OR_RETURN(v1::AccessScope scope, FindAccessScope(client, role.access_scope_id()));
    role.set_access_scope_id(scope.id());
  }
  return absl::OkStatus();
}

absl::Status RunList(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(std::vector<v1::Role> roles, client->ListRoles());
  if (session.format() == OutputFormat::kJson) {
    v1::ListRolesResponse response;
    for (v1::Role& role : roles) *response.add_roles() = std::move(role);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(RoleReferences references, LoadRoleReferences(*client));
  Table table({"NAME", "PERMISSION SET", "SCOPE", "ORIGIN"});
  for (const v1::Role& role : roles) {
    table.AddRow({role.name(), references.PermissionSetName(role.permission_set_id()),
                  references.AccessScopeName(role.access_scope_id()), OriginName(role.origin())});
  }
  session.out() << table.Render();
  return absl::OkStatus();
}

absl::Status RunGet(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::Role role, client->GetRole(session.invocation().args[0]));
  if (session.format() == OutputFormat::kJson) {
    v1::GetRoleResponse response;
    *response.mutable_role() = std::move(role);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<v1::PermissionSet> sets, client->ListPermissionSets());
  ASSIGN_OR_RETURN(std::vector<v1::AccessScope> scopes, client->ListAccessScopes());
  const v1::PermissionSet* set = nullptr;
  for (const v1::PermissionSet& s : sets) {
    if (s.id() == role.permission_set_id()) set = &s;
  }
  std::string scope_name = role.access_scope_id().empty() ? "Unrestricted" : "";
  for (const v1::AccessScope& s : scopes) {
    if (s.id() == role.access_scope_id()) scope_name = s.name();
  }
  const auto named = [](const std::string& name, const std::string& id) {
    if (name.empty()) return id;
    return id.empty() ? name : absl::StrCat(name, " (", id, ")");
  };
  std::string out = RenderFields({
      {"NAME", role.name()},
      {"DESCRIPTION", role.description()},
      {"PERMISSION SET", named(set != nullptr ? set->name() : "", role.permission_set_id())},
      {"SCOPE", named(scope_name, role.access_scope_id())},
      {"ORIGIN", OriginName(role.origin())},
  });
  if (set != nullptr && !set->resource_to_access().empty()) {
    absl::StrAppend(&out, "\n", RenderAccessTable(set->resource_to_access()));
  }
  session.out() << out;
  return absl::OkStatus();
}

absl::Status RunCreate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  const ParsedFlags& flags = session.flags();
  const std::vector<std::string>& args = session.invocation().args;
  v1::Role role;
  if (flags.Has("file")) {
    if (!args.empty() || flags.Has("permission-set") || flags.Has("scope") ||
        flags.Has("description")) {
      return session.Usage(
          "--file takes the whole role: give NAME, --permission-set, --scope "
          "and --description in the file, not as well");
    }
    const std::string path = flags.Get("file");
    absl::StatusOr<v1::Role> parsed = ReadObjectFromFile(path, ParseRoleText);
    if (!parsed.ok()) return parsed.status();
    role = *std::move(parsed);
    if (role.permission_set_id().empty()) {
      return LocalError(absl::InvalidArgumentError(
          absl::StrCat(path, ": the role's permission set (permissionSetId) is required")));
    }
  } else {
    if (args.empty()) return session.Usage("missing argument NAME (or --file FILE)");
    if (!flags.Has("permission-set")) return session.Usage("--permission-set is required");
    role.set_name(args[0]);
    role.set_description(flags.Get("description"));
    role.set_permission_set_id(flags.Get("permission-set"));
    role.set_access_scope_id(flags.Get("scope"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  RETURN_IF_ERROR(ResolveReferences(*client, role));
  ASSIGN_OR_RETURN(v1::Role created, client->CreateRole(role));
  v1::CreateRoleResponse response;
  *response.mutable_role() = std::move(created);
  return PrintDone(session, response, absl::StrCat("Created role ", response.role().name()));
}

absl::Status RunUpdate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  const ParsedFlags& flags = session.flags();
  if (!flags.Has("permission-set") && !flags.Has("scope") && !flags.Has("description")) {
    return session.Usage("nothing to change: give --permission-set, --scope or --description");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::Role role, client->GetRole(session.invocation().args[0]));
  if (flags.Has("description")) role.set_description(flags.Get("description"));
  if (flags.Has("permission-set")) {
    ASSIGN_OR_RETURN(v1::PermissionSet set,
                     FindPermissionSet(*client, flags.Get("permission-set")));
    role.set_permission_set_id(set.id());
  }
  if (flags.Has("scope")) {
    ASSIGN_OR_RETURN(v1::AccessScope scope, FindAccessScope(*client, flags.Get("scope")));
    role.set_access_scope_id(scope.id());
  }
  ASSIGN_OR_RETURN(v1::Role updated, client->UpdateRole(role));
  v1::UpdateRoleResponse response;
  *response.mutable_role() = std::move(updated);
  return PrintDone(session, response, absl::StrCat("Updated role ", response.role().name()));
}

absl::Status RunDelete(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  const std::string& name = session.invocation().args[0];
  RETURN_IF_ERROR(client->DeleteRole(name));
  return PrintDone(session, v1::DeleteRoleResponse(), absl::StrCat("Deleted role ", name));
}

FlagSpec PermissionSetFlag(const std::string& help) {
  return {.name = "permission-set", .value_name = "NAME_OR_ID", .help = help};
}
FlagSpec ScopeFlag(const std::string& help) {
  return {.name = "scope", .value_name = "NAME_OR_ID", .help = help};
}

}  // namespace

Command RoleCommand() {
  Command list{
      .name = "list",
      .summary = "List every role with its permission set and scope",
      .examples = {"wardenctl role list", "wardenctl role list -o json | jq -r '.roles[].name'"},
      .run = RunList,
  };
  Command get{
      .name = "get",
      .summary = "Show one role and what it grants",
      .arguments = "NAME",
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl role get 'Continuous Integration'"},
      .run = RunGet,
  };
  Command create{
      .name = "create",
      .summary = "Create a role from flags or a file",
      .arguments = "[NAME]",
      .description =
          "Create a role named NAME that grants a permission set within an access scope\n"
          "(default: Unrestricted); both by name or id. Or give the whole role in a file\n"
          "with --file: YAML like one entry of the declarative configuration's roles\n"
          "(name, description, permissionSet, accessScope), or JSON in the protobuf\n"
          "mapping ({\"name\": ..., \"permissionSetId\": ..., \"accessScopeId\": ...}, where\n"
          "names work as well as ids).",
      .flags = {PermissionSetFlag("the permission set the role grants (required)"),
                ScopeFlag("where it applies (default Unrestricted)"),
                {.name = "description", .value_name = "TEXT", .help = "free text for people"},
                {.name = "file",
                 .short_name = 'f',
                 .value_name = "FILE",
                 .help = "read the role from FILE (YAML or JSON)",
                 .file_value = true}},
      .max_args = 1,
      .examples = {"wardenctl role create 'Token Issuer' --permission-set 'Token Issuer'",
                   "wardenctl role create 'Team A reader' --permission-set Analyst --scope team-a",
                   "wardenctl role create -f role.yaml"},
      .run = RunCreate,
  };
  Command update{
      .name = "update",
      .summary = "Change a role's permission set, scope or description",
      .arguments = "NAME",
      .description =
          "Change a role created through the API (its name cannot change). Only what the\n"
          "flags name changes. Tokens carrying the role get the change at once.",
      .flags = {PermissionSetFlag("grant this permission set instead"),
                ScopeFlag("apply within this scope instead"),
                {.name = "description", .value_name = "TEXT", .help = "the new description"}},
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl role update 'Team A reader' --scope Unrestricted"},
      .run = RunUpdate,
  };
  Command remove{
      .name = "delete",
      .summary = "Delete a role no live token carries",
      .arguments = "NAME",
      .description =
          "Delete a role created through the API. Warden refuses while a live\n"
          "(unexpired, unrevoked) token carries it, and names the tokens.",
      .min_args = 1,
      .max_args = 1,
      .run = RunDelete,
  };
  return Command{
      .name = "role",
      .summary = "Create, list, show, change and delete roles",
      .description =
          "A role grants a permission set within an access scope; tokens carry roles\n"
          "(warden.v1.RoleService). Built-in roles and roles from the declarative\n"
          "configuration are read-only.",
      .subcommands = {list, get, create, update, remove},
  };
}

}  // namespace warden::cli
