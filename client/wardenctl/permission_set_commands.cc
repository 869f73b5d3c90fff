#include "client/wardenctl/permission_set_commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/wardenctl/object_commands.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/role_support.h"
#include "client/wardenctl/session.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

constexpr char kNotFoundHint[] = "check the name or id (`wardenctl permission-set list`)";

// The one-object view of `get`: fields, then a RESOURCE / ACCESS table.
std::string RenderPermissionSet(const v1::PermissionSet& set) {
  std::string out = RenderFields({
      {"NAME", set.name()},
      {"ID", set.id()},
      {"DESCRIPTION", set.description()},
      {"ORIGIN", OriginName(set.origin())},
      {"RESOURCES", set.resource_to_access().empty()
                        ? "none (grants nothing)"
                        : absl::StrCat(set.resource_to_access().size())},
  });
  if (set.resource_to_access().empty()) return out;
  return absl::StrCat(out, "\n", RenderAccessTable(set.resource_to_access()));
}

// "permission set NAME (ID)" for confirmations.
std::string Describe(const v1::PermissionSet& set) {
  return absl::StrCat("permission set ", set.name(), " (", set.id(), ")");
}

absl::Status RunList(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(std::vector<v1::PermissionSet> sets, client->ListPermissionSets());
  if (session.format() == OutputFormat::kJson) {
    v1::ListPermissionSetsResponse response;
    for (v1::PermissionSet& set : sets) *response.add_permission_sets() = std::move(set);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  Table table({"NAME", "ID", "RESOURCES", "ORIGIN"});
  for (const v1::PermissionSet& set : sets) {
    table.AddRow({set.name(), set.id(), SummarizePermissions(set.resource_to_access()),
                  OriginName(set.origin())});
  }
  session.out() << table.Render();
  return absl::OkStatus();
}

absl::Status RunGet(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::PermissionSet set, FindPermissionSet(*client, session.invocation().args[0]));
  if (session.format() == OutputFormat::kJson) {
    v1::GetPermissionSetResponse response;
    *response.mutable_permission_set() = std::move(set);
    session.out() << ToJson(response);
  } else {
    session.out() << RenderPermissionSet(set);
  }
  return absl::OkStatus();
}

absl::Status RunCreate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  const ParsedFlags& flags = session.flags();
  const std::vector<std::string>& args = session.invocation().args;
  v1::PermissionSet set;
  if (flags.Has("file")) {
    if (!args.empty() || flags.Has("grant") || flags.Has("description")) {
      return session.Usage(
          "--file takes the whole permission set: give NAME, --grant and "
          "--description in the file, not as well");
    }
    const std::string path = flags.Get("file");
    absl::StatusOr<v1::PermissionSet> parsed = ReadObjectFromFile(path, ParsePermissionSetText);
    if (!parsed.ok()) return parsed.status();
    set = *std::move(parsed);
  } else {
    if (args.empty()) return session.Usage("missing argument NAME (or --file FILE)");
    absl::StatusOr<std::map<std::string, v1::AccessLevel>> grants =
        ParseGrants(flags.GetAll("grant"));
    if (!grants.ok()) return session.Usage(std::string(grants.status().message()));
    set.set_name(args[0]);
    set.set_description(flags.Get("description"));
    for (const auto& [resource, level] : *grants) {
      (*set.mutable_resource_to_access())[resource] = level;
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::PermissionSet created, client->CreatePermissionSet(set));
  v1::CreatePermissionSetResponse response;
  *response.mutable_permission_set() = std::move(created);
  return PrintDone(session, response,
                   absl::StrCat("Created ", Describe(response.permission_set())));
}

absl::Status RunUpdate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  const ParsedFlags& flags = session.flags();
  if (!flags.Has("name") && !flags.Has("description") && !flags.Has("grant") &&
      !flags.Has("remove")) {
    return session.Usage("nothing to change: give --name, --description, --grant or --remove");
  }
  absl::StatusOr<std::map<std::string, v1::AccessLevel>> grants =
      ParseGrants(flags.GetAll("grant"));
  if (!grants.ok()) return session.Usage(std::string(grants.status().message()));
  const std::vector<std::string> removed = flags.GetAll("remove");
  for (const std::string& resource : removed) {
    if (grants->count(resource) > 0) {
      return session.Usage(absl::StrCat("resource \"", resource, "\" is both granted and removed"));
    }
  }

  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::PermissionSet set, FindPermissionSet(*client, session.invocation().args[0]));
  if (flags.Has("name")) set.set_name(flags.Get("name"));
  if (flags.Has("description")) set.set_description(flags.Get("description"));
  auto& access = *set.mutable_resource_to_access();
  for (const auto& [resource, level] : *grants) access[resource] = level;
  for (const std::string& resource : removed) {
    if (access.erase(resource) == 0) {
      return absl::NotFoundError(absl::StrCat("permission set ", set.name(),
                                              " grants nothing on resource \"", resource, "\""));
    }
  }
  ASSIGN_OR_RETURN(v1::PermissionSet updated, client->UpdatePermissionSet(set));
  v1::UpdatePermissionSetResponse response;
  *response.mutable_permission_set() = std::move(updated);
  return PrintDone(session, response,
                   absl::StrCat("Updated ", Describe(response.permission_set())));
}

absl::Status RunDelete(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::PermissionSet set, FindPermissionSet(*client, session.invocation().args[0]));
  RETURN_IF_ERROR(client->DeletePermissionSet(set.id()));
  return PrintDone(session, v1::DeletePermissionSetResponse(),
                   absl::StrCat("Deleted ", Describe(set)));
}

FlagSpec GrantFlag(const std::string& help) {
  return {.name = "grant", .value_name = "RESOURCE=LEVEL", .help = help, .repeated = true};
}

}  // namespace

Command PermissionSetCommand() {
  Command list{
      .name = "list",
      .summary = "List every permission set",
      .description =
          "List every permission set, sorted by name: built-in, declarative and\n"
          "created through the API.",
      .examples = {"wardenctl permission-set list",
                   "wardenctl permission-set list -o json | jq -r '.permissionSets[].name'"},
      .run = RunList,
  };
  Command get{
      .name = "get",
      .summary = "Show one permission set and what it grants",
      .arguments = "NAME_OR_ID",
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl permission-set get 'Continuous Integration'"},
      .run = RunGet,
  };
  Command create{
      .name = "create",
      .summary = "Create a permission set from flags or a file",
      .arguments = "[NAME]",
      .description =
          "Create a permission set named NAME granting one access level per resource\n"
          "(`wardenctl whoami` lists the resources). Resources left out get no access.\n"
          "LEVEL is READ_ACCESS, READ_WRITE_ACCESS or NO_ACCESS, or read, read-write, none\n"
          "(any case). Or give the whole set in a file with --file: YAML like one entry\n"
          "of the declarative configuration's permissionSets (name, description,\n"
          "resources), or JSON in the protobuf mapping ({\"name\": ..., \"resourceToAccess\":\n"
          "{\"Image\": \"READ_ACCESS\"}}).",
      .flags = {GrantFlag("the access LEVEL to RESOURCE (repeat for more resources)"),
                {.name = "description", .value_name = "TEXT", .help = "free text for people"},
                {.name = "file",
                 .short_name = 'f',
                 .value_name = "FILE",
                 .help = "read the permission set from FILE (YAML or JSON)",
                 .file_value = true}},
      .max_args = 1,
      .examples = {"wardenctl permission-set create 'Token Issuer' --grant Access=READ_ACCESS "
                   "--grant Integration=READ_WRITE_ACCESS --grant Image=read",
                   "wardenctl permission-set create -f image-reader.yaml"},
      .run = RunCreate,
  };
  Command update{
      .name = "update",
      .summary = "Rename a permission set or change what it grants",
      .arguments = "NAME_OR_ID",
      .description =
          "Change a permission set created through the API. Only what the flags name\n"
          "changes: --grant sets a resource's level (adding it if new), --remove drops a\n"
          "resource. Roles using the set, and tokens carrying them, change at once.",
      .flags = {{.name = "name", .value_name = "NAME", .help = "the new name"},
                {.name = "description", .value_name = "TEXT", .help = "the new description"},
                GrantFlag("set RESOURCE's access LEVEL (repeat for more)"),
                {.name = "remove",
                 .value_name = "RESOURCE",
                 .help = "grant nothing on RESOURCE any more (repeat for more)",
                 .repeated = true}},
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl permission-set update 'Token Issuer' --grant Image=read-write "
                   "--remove Access"},
      .run = RunUpdate,
  };
  Command remove{
      .name = "delete",
      .summary = "Delete a permission set no role uses",
      .arguments = "NAME_OR_ID",
      .description =
          "Delete a permission set created through the API. Warden refuses while a\n"
          "role uses it, and names the roles.",
      .min_args = 1,
      .max_args = 1,
      .run = RunDelete,
  };
  return Command{
      .name = "permission-set",
      .summary = "Create, list, show, change and delete permission sets",
      .description =
          "Permission sets map resources to access levels; a role grants one\n"
          "(warden.v1.RoleService). Built-in sets and sets from the declarative\n"
          "configuration are read-only. NAME_OR_ID is a set's name or its id.",
      .subcommands = {list, get, create, update, remove},
  };
}

}  // namespace warden::cli
