#include "storage/role_tables.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"

namespace warden::storage::role_tables {

void PrepareRoleTables(StorageExecutor& executor) {
  PreparePermissionSetStatements(executor);
  PrepareAccessScopeStatements(executor);
  PrepareRoleStatements(executor);
}

const char* OriginText(Origin origin) {
  switch (origin) {
    case Origin::kBuiltIn:
      return "built_in";
    case Origin::kApi:
      return "api";
    case Origin::kDeclarative:
      return "declarative";
  }
  return "api";  // unreachable: every enumerator is handled above
}

absl::StatusOr<Origin> ParseOrigin(const std::string& text) {
  if (text == "built_in") return Origin::kBuiltIn;
  if (text == "api") return Origin::kApi;
  if (text == "declarative") return Origin::kDeclarative;
  return absl::InternalError(absl::StrCat("unknown origin \"", text, "\" in the database"));
}

std::string RulesJson(const ScopeRules& rules) {
  nlohmann::json namespaces = nlohmann::json::array();
  for (const NamespaceRef& ns : rules.namespaces) {
    namespaces.push_back({{"cluster", ns.cluster}, {"name", ns.name}});
  }
  const nlohmann::json json = {{"clusters", rules.clusters}, {"namespaces", namespaces}};
  return json.dump();
}

absl::StatusOr<ScopeRules> ParseRulesJson(const std::string& text) {
  const absl::Status malformed = absl::InternalError("stored access scope rules are malformed");
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return malformed;
  const auto clusters = json.find("clusters");
  const auto namespaces = json.find("namespaces");
  if (clusters == json.end() || !clusters->is_array() || namespaces == json.end() ||
      !namespaces->is_array()) {
    return malformed;
  }
  ScopeRules rules;
  for (const nlohmann::json& cluster : *clusters) {
    if (!cluster.is_string()) return malformed;
    rules.clusters.push_back(cluster.get<std::string>());
  }
  for (const nlohmann::json& ns : *namespaces) {
    if (!ns.is_object() || !ns.contains("cluster") || !ns.contains("name") ||
        !ns["cluster"].is_string() || !ns["name"].is_string()) {
      return malformed;
    }
    rules.namespaces.push_back({ns["cluster"].get<std::string>(), ns["name"].get<std::string>()});
  }
  return rules;
}

absl::StatusOr<std::optional<LockedRow>> ReadLockedRow(const pqxx::result& rows) {
  if (rows.empty()) return std::optional<LockedRow>();
  LockedRow locked{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
  ASSIGN_OR_RETURN(locked.origin, ParseOrigin(rows[0][2].as<std::string>()));
  return std::optional<LockedRow>(std::move(locked));
}

void BeginRoleWrite(pqxx::transaction_base& tx) { tx.exec_prepared(kBeginRoleWrite); }

absl::Status CheckWrite(const RoleWriter& writer, pqxx::transaction_base& tx,
                        const std::vector<Role>& held, const RoleFilter& changed) {
  if (!writer.check) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::vector<Role> after, SelectRoles(tx, changed));
  return writer.check(held, after);
}

absl::StatusOr<std::vector<Role>> SelectWriterRoles(pqxx::transaction_base& tx,
                                                    const RoleWriter& writer) {
  if (!writer.check) return std::vector<Role>();
  RoleFilter mine;
  mine.names = writer.roles;
  return SelectRoles(tx, mine);
}

absl::StatusOr<Access> ReadAccess(const pqxx::field& field) {
  const int level = field.as<int>();
  switch (level) {
    case 0:
      return Access::kNoAccess;
    case 1:
      return Access::kRead;
    case 2:
      return Access::kReadWrite;
  }
  return absl::InternalError(absl::StrCat("unknown access level ", level, " in the database"));
}

std::string NamesWithMore(const std::vector<std::string>& shown, int64_t total) {
  std::string out = absl::StrJoin(shown, ", ");
  const int64_t more = total - static_cast<int64_t>(shown.size());
  if (more > 0) absl::StrAppend(&out, " and ", more, " more");
  return out;
}

std::string Counted(int64_t n, absl::string_view singular, absl::string_view plural) {
  return absl::StrCat(n, " ", n == 1 ? singular : plural);
}

absl::Status CheckApiWritable(absl::string_view what, Origin origin) {
  switch (origin) {
    case Origin::kApi:
      return absl::OkStatus();
    case Origin::kBuiltIn:
      return absl::FailedPreconditionError(absl::StrCat(what, " is built in and read-only"));
    case Origin::kDeclarative:
      return absl::FailedPreconditionError(
          absl::StrCat(what, " is managed by the declarative configuration"));
  }
  return absl::OkStatus();  // unreachable
}

absl::Status CheckUuid(absl::string_view kind, const std::string& id) {
  if (IsUuid(id)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(kind, " id is not a valid UUID"));
}

absl::Status CheckAccessLevels(absl::string_view what, const PermissionMap& permissions) {
  for (const auto& [resource, access] : permissions) {
    const int level = static_cast<int>(access);
    if (level < 0 || level > 2) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": access level ", level,
                                                     " for resource ", resource, " is not valid"));
    }
  }
  return absl::OkStatus();
}

}  // namespace warden::storage::role_tables
