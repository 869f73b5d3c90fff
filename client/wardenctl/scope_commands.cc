#include "client/wardenctl/scope_commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/wardenctl/object_commands.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/role_support.h"
#include "client/wardenctl/session.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

constexpr char kNotFoundHint[] = "check the name or id (`wardenctl scope list`)";

bool IsUnrestricted(const v1::AccessScope& scope) {
  return scope.origin() == v1::ORIGIN_BUILT_IN && scope.name() == "Unrestricted";
}

std::string ClustersCell(const v1::AccessScope& scope) {
  if (IsUnrestricted(scope)) return "all";
  if (scope.rules().clusters().empty()) return "-";
  return absl::StrJoin(scope.rules().clusters(), ", ");
}

std::string NamespacesCell(const v1::AccessScope& scope) {
  if (IsUnrestricted(scope)) return "all";
  if (scope.rules().namespaces().empty()) return "-";
  return absl::StrJoin(
      scope.rules().namespaces(), ", ",
      [](std::string* out, const v1::NamespaceRef& ref) { out->append(FormatNamespace(ref)); });
}

std::string Describe(const v1::AccessScope& scope) {
  return absl::StrCat("access scope ", scope.name(), " (", scope.id(), ")");
}

absl::Status RunList(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(std::vector<v1::AccessScope> scopes, client->ListAccessScopes());
  if (session.format() == OutputFormat::kJson) {
    v1::ListAccessScopesResponse response;
    for (v1::AccessScope& scope : scopes) *response.add_access_scopes() = std::move(scope);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  Table table({"NAME", "ID", "CLUSTERS", "NAMESPACES", "ORIGIN"});
  for (const v1::AccessScope& scope : scopes) {
    table.AddRow({scope.name(), scope.id(), ClustersCell(scope), NamespacesCell(scope),
                  OriginName(scope.origin())});
  }
  session.out() << table.Render();
  return absl::OkStatus();
}

absl::Status RunGet(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::AccessScope scope, FindAccessScope(*client, session.invocation().args[0]));
  if (session.format() == OutputFormat::kJson) {
    v1::GetAccessScopeResponse response;
    *response.mutable_access_scope() = std::move(scope);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  session.out() << RenderFields({
      {"NAME", scope.name()},
      {"ID", scope.id()},
      {"DESCRIPTION", scope.description()},
      {"ORIGIN", OriginName(scope.origin())},
      {"CLUSTERS", ClustersCell(scope)},
      {"NAMESPACES", NamespacesCell(scope)},
  });
  return absl::OkStatus();
}

absl::Status RunCreate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  const ParsedFlags& flags = session.flags();
  const std::vector<std::string>& args = session.invocation().args;
  v1::AccessScope scope;
  if (flags.Has("file")) {
    if (!args.empty() || flags.Has("cluster") || flags.Has("namespace") ||
        flags.Has("description")) {
      return session.Usage(
          "--file takes the whole scope: give NAME, --cluster, --namespace "
          "and --description in the file, not as well");
    }
    const std::string path = flags.Get("file");
    absl::StatusOr<v1::AccessScope> parsed = ReadObjectFromFile(path, ParseAccessScopeText);
    if (!parsed.ok()) return parsed.status();
    scope = *std::move(parsed);
  } else {
    if (args.empty()) return session.Usage("missing argument NAME (or --file FILE)");
    absl::StatusOr<std::vector<std::string>> clusters = ParseClusters(flags.GetAll("cluster"));
    if (!clusters.ok()) return session.Usage(std::string(clusters.status().message()));
    absl::StatusOr<std::vector<v1::NamespaceRef>> namespaces =
        ParseNamespaces(flags.GetAll("namespace"));
    if (!namespaces.ok()) return session.Usage(std::string(namespaces.status().message()));
    scope.set_name(args[0]);
    scope.set_description(flags.Get("description"));
    for (const std::string& cluster : *clusters) scope.mutable_rules()->add_clusters(cluster);
    for (v1::NamespaceRef& ref : *namespaces) {
      *scope.mutable_rules()->add_namespaces() = std::move(ref);
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::AccessScope created, client->CreateAccessScope(scope));
  v1::CreateAccessScopeResponse response;
  *response.mutable_access_scope() = std::move(created);
  return PrintDone(session, response, absl::StrCat("Created ", Describe(response.access_scope())));
}

bool SameNamespace(const v1::NamespaceRef& a, const v1::NamespaceRef& b) {
  return a.cluster() == b.cluster() && a.namespace_() == b.namespace_();
}

absl::Status RunUpdate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  const ParsedFlags& flags = session.flags();
  if (!flags.Has("name") && !flags.Has("description") && !flags.Has("cluster") &&
      !flags.Has("namespace") && !flags.Has("remove-cluster") && !flags.Has("remove-namespace")) {
    return session.Usage(
        "nothing to change: give --name, --description, --cluster, --namespace, "
        "--remove-cluster or --remove-namespace");
  }
  absl::StatusOr<std::vector<std::string>> added_clusters = ParseClusters(flags.GetAll("cluster"));
  if (!added_clusters.ok()) return session.Usage(std::string(added_clusters.status().message()));
  absl::StatusOr<std::vector<v1::NamespaceRef>> added_namespaces =
      ParseNamespaces(flags.GetAll("namespace"));
  if (!added_namespaces.ok()) {
    return session.Usage(std::string(added_namespaces.status().message()));
  }
  std::vector<v1::NamespaceRef> removed_namespaces;
  for (const std::string& value : flags.GetAll("remove-namespace")) {
    absl::StatusOr<v1::NamespaceRef> ref = ParseNamespace(value);
    if (!ref.ok()) {
      return session.Usage(absl::StrCat("--remove-", ref.status().message().substr(2)));
    }
    removed_namespaces.push_back(*std::move(ref));
  }

  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::AccessScope scope, FindAccessScope(*client, session.invocation().args[0]));
  if (flags.Has("name")) scope.set_name(flags.Get("name"));
  if (flags.Has("description")) scope.set_description(flags.Get("description"));
  v1::AccessScopeRules& rules = *scope.mutable_rules();
  // Removals first, then additions; adding what is already there changes nothing.
  for (const std::string& cluster : flags.GetAll("remove-cluster")) {
    auto it = std::find(rules.clusters().begin(), rules.clusters().end(), cluster);
    if (it == rules.clusters().end()) {
      return absl::NotFoundError(
          absl::StrCat("access scope ", scope.name(), " has no cluster \"", cluster, "\""));
    }
    rules.mutable_clusters()->erase(rules.mutable_clusters()->begin() +
                                    (it - rules.clusters().begin()));
  }
  for (const v1::NamespaceRef& ref : removed_namespaces) {
    auto it = std::find_if(rules.namespaces().begin(), rules.namespaces().end(),
                           [&](const v1::NamespaceRef& n) { return SameNamespace(n, ref); });
    if (it == rules.namespaces().end()) {
      return absl::NotFoundError(absl::StrCat("access scope ", scope.name(), " has no namespace \"",
                                              FormatNamespace(ref), "\""));
    }
    rules.mutable_namespaces()->erase(rules.mutable_namespaces()->begin() +
                                      (it - rules.namespaces().begin()));
  }
  for (const std::string& cluster : *added_clusters) {
    if (std::find(rules.clusters().begin(), rules.clusters().end(), cluster) ==
        rules.clusters().end()) {
      rules.add_clusters(cluster);
    }
  }
  for (const v1::NamespaceRef& ref : *added_namespaces) {
    if (std::none_of(rules.namespaces().begin(), rules.namespaces().end(),
                     [&](const v1::NamespaceRef& n) { return SameNamespace(n, ref); })) {
      *rules.add_namespaces() = ref;
    }
  }
  ASSIGN_OR_RETURN(v1::AccessScope updated, client->UpdateAccessScope(scope));
  v1::UpdateAccessScopeResponse response;
  *response.mutable_access_scope() = std::move(updated);
  return PrintDone(session, response, absl::StrCat("Updated ", Describe(response.access_scope())));
}

absl::Status RunDelete(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::AccessScope scope, FindAccessScope(*client, session.invocation().args[0]));
  RETURN_IF_ERROR(client->DeleteAccessScope(scope.id()));
  return PrintDone(session, v1::DeleteAccessScopeResponse(),
                   absl::StrCat("Deleted ", Describe(scope)));
}

}  // namespace

Command ScopeCommand() {
  const FlagSpec cluster{.name = "cluster",
                         .value_name = "CLUSTER",
                         .help = "include the whole cluster CLUSTER (repeat for more)",
                         .repeated = true};
  const FlagSpec ns{.name = "namespace",
                    .value_name = "CLUSTER/NS",
                    .help = "include namespace NS of cluster CLUSTER (repeat for more)",
                    .repeated = true};
  Command list{
      .name = "list",
      .summary = "List every access scope",
      .examples = {"wardenctl scope list", "wardenctl scope list -o json | jq .accessScopes"},
      .run = RunList,
  };
  Command get{
      .name = "get",
      .summary = "Show one access scope and what it includes",
      .arguments = "NAME_OR_ID",
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl scope get team-a"},
      .run = RunGet,
  };
  Command create{
      .name = "create",
      .summary = "Create an access scope from flags or a file",
      .arguments = "[NAME]",
      .description =
          "Create an access scope named NAME that includes whole clusters (--cluster) and\n"
          "single namespaces (--namespace CLUSTER/NS). Or give the whole scope in a file\n"
          "with --file: YAML like one entry of the declarative configuration's\n"
          "accessScopes (name, description, rules), or JSON in the protobuf mapping\n"
          "({\"name\": ..., \"rules\": {\"clusters\": [...], \"namespaces\": [{\"cluster\": ...,\n"
          "\"namespace\": ...}]}}).",
      .flags = {cluster,
                ns,
                {.name = "description", .value_name = "TEXT", .help = "free text for people"},
                {.name = "file",
                 .short_name = 'f',
                 .value_name = "FILE",
                 .help = "read the scope from FILE (YAML or JSON)",
                 .file_value = true}},
      .max_args = 1,
      .examples = {"wardenctl scope create team-a --cluster prod-eu --namespace prod-us/payments",
                   "wardenctl scope create -f team-a.yaml"},
      .run = RunCreate,
  };
  Command update{
      .name = "update",
      .summary = "Rename an access scope or change what it includes",
      .arguments = "NAME_OR_ID",
      .description =
          "Change an access scope created through the API. Only what the flags name\n"
          "changes: --cluster and --namespace add to the scope, --remove-cluster and\n"
          "--remove-namespace take out.",
      .flags = {{.name = "name", .value_name = "NAME", .help = "the new name"},
                {.name = "description", .value_name = "TEXT", .help = "the new description"},
                cluster,
                ns,
                {.name = "remove-cluster",
                 .value_name = "CLUSTER",
                 .help = "no longer include cluster CLUSTER (repeat for more)",
                 .repeated = true},
                {.name = "remove-namespace",
                 .value_name = "CLUSTER/NS",
                 .help = "no longer include that namespace (repeat for more)",
                 .repeated = true}},
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl scope update team-a --cluster prod-ap --remove-namespace "
                   "prod-us/payments"},
      .run = RunUpdate,
  };
  Command remove{
      .name = "delete",
      .summary = "Delete an access scope no role uses",
      .arguments = "NAME_OR_ID",
      .description =
          "Delete an access scope created through the API. Warden refuses while a\n"
          "role uses it, and names the roles.",
      .min_args = 1,
      .max_args = 1,
      .run = RunDelete,
  };
  return Command{
      .name = "scope",
      .summary = "Create, list, show, change and delete access scopes",
      .description =
          "Access scopes restrict where a role's permissions apply: whole clusters and\n"
          "single namespaces (warden.v1.RoleService). The built-in Unrestricted scope\n"
          "covers everything. Built-in scopes and scopes from the declarative\n"
          "configuration are read-only. NAME_OR_ID is a scope's name or its id.",
      .subcommands = {list, get, create, update, remove},
  };
}

}  // namespace warden::cli
