// The auth provider tables' operations (auth_provider_tables.h).

#include "storage/auth_provider_tables.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/pg/sql_values.h"
#include "storage/role_tables.h"

namespace warden::storage::auth_provider_tables {
namespace {

// The columns ReadProvider expects, in order.
#define WARDEN_PROVIDER_COLUMNS                                                           \
  "p.id::text, p.name, p.revision, p.issuer, p.client_id, p.client_secret_file, "         \
  "array_to_json(p.scopes)::text, p.name_claim, COALESCE(p.minimum_role, ''), p.origin, " \
  "COALESCE((SELECT json_agg(json_build_array(r.claim_key, r.value_expression, r.role) "  \
  "ORDER BY r.position) FROM auth_provider_rules r WHERE r.provider_id = p.id), '[]')::text"

// $1 id (NULL: every provider).
constexpr char kSelect[] = "warden_auth_provider_select";
constexpr char kSelectSql[] = "SELECT " WARDEN_PROVIDER_COLUMNS
                              " FROM auth_providers p WHERE ($1::uuid IS NULL OR p.id = $1::uuid)"
                              " ORDER BY p.name COLLATE \"C\"";

// $1 id.
constexpr char kLock[] = "warden_auth_provider_lock";
constexpr char kLockSql[] = "SELECT " WARDEN_PROVIDER_COLUMNS
                            " FROM auth_providers p WHERE p.id = $1::uuid FOR UPDATE OF p";

// $1 the configuration's provider names (text[]). What a declarative apply may touch: every
// declarative provider, and any other with a name from the file (a conflict).
constexpr char kLockDeclarative[] = "warden_auth_provider_lock_declarative";
constexpr char kLockDeclarativeSql[] =
    "SELECT " WARDEN_PROVIDER_COLUMNS
    " FROM auth_providers p WHERE p.origin = 'declarative' OR p.name = ANY($1::text[])"
    " ORDER BY p.name COLLATE \"C\" FOR UPDATE OF p";

#undef WARDEN_PROVIDER_COLUMNS

// $1 id (of the provider written), $2 name, $3 issuer, $4 client id.
constexpr char kConflicts[] = "warden_auth_provider_conflicts";
constexpr char kConflictsSql[] = R"sql(
SELECT name, issuer, client_id FROM auth_providers
WHERE id <> $1::uuid AND (name = $2 OR (issuer = $3 AND client_id = $4))
ORDER BY name = $2 DESC, name COLLATE "C"
LIMIT 1)sql";

// $1 role names (text[]). Locked in one order (COLLATE "C") so that writers never deadlock.
constexpr char kLockRoles[] = "warden_auth_provider_lock_roles";
constexpr char kLockRolesSql[] = R"sql(
SELECT name, origin FROM roles WHERE name = ANY($1::text[]) ORDER BY name COLLATE "C"
FOR KEY SHARE)sql";

// $1 id, $2 name, $3 revision, $4 issuer, $5 client id, $6 client secret file, $7 scopes
// (text[] literal), $8 name claim, $9 minimum role (NULL: None), $10 origin.
constexpr char kInsert[] = "warden_auth_provider_insert";
constexpr char kInsertSql[] = R"sql(
INSERT INTO auth_providers (id, name, revision, issuer, client_id, client_secret_file, scopes,
                            name_claim, minimum_role, origin)
VALUES ($1::uuid, $2, $3::bigint, $4, $5, $6, $7::text[], $8, $9, $10))sql";

// $1 id, $2 revision, $3 issuer, $4 client id, $5 client secret file, $6 scopes (text[]
// literal), $7 name claim, $8 minimum role (NULL: None). Name and origin never change.
constexpr char kUpdate[] = "warden_auth_provider_update";
constexpr char kUpdateSql[] = R"sql(
UPDATE auth_providers
SET revision = $2::bigint, issuer = $3, client_id = $4, client_secret_file = $5,
    scopes = $6::text[], name_claim = $7, minimum_role = $8
WHERE id = $1::uuid)sql";

// $1 provider id.
constexpr char kDeleteRules[] = "warden_auth_provider_delete_rules";
constexpr char kDeleteRulesSql[] = "DELETE FROM auth_provider_rules WHERE provider_id = $1::uuid";

// $1 provider id, $2 position, $3 claim key, $4 expression, $5 role.
constexpr char kInsertRule[] = "warden_auth_provider_insert_rule";
constexpr char kInsertRuleSql[] = R"sql(
INSERT INTO auth_provider_rules (provider_id, position, claim_key, value_expression, role)
VALUES ($1::uuid, $2::integer, $3, $4, $5))sql";

// $1 id.
constexpr char kDelete[] = "warden_auth_provider_delete";
constexpr char kDeleteSql[] = "DELETE FROM auth_providers WHERE id = $1::uuid";

absl::StatusOr<AuthProvider> ReadProvider(const pqxx::row& row) {
  const absl::Status malformed = absl::InternalError("stored auth provider rules are malformed");
  AuthProvider provider;
  provider.id = row[0].as<std::string>();
  provider.name = row[1].as<std::string>();
  provider.revision = row[2].as<int64_t>();
  provider.issuer = row[3].as<std::string>();
  provider.client_id = row[4].as<std::string>();
  provider.client_secret_file = row[5].as<std::string>();
  ASSIGN_OR_RETURN(provider.scopes, ParseJsonTextArray(row[6].as<std::string>()));
  provider.name_claim = row[7].as<std::string>();
  provider.minimum_role = row[8].as<std::string>();
  ASSIGN_OR_RETURN(provider.origin, role_tables::ParseOrigin(row[9].as<std::string>()));
  const nlohmann::json rules = nlohmann::json::parse(row[10].as<std::string>(), nullptr, false);
  if (!rules.is_array()) return malformed;
  for (const nlohmann::json& rule : rules) {
    if (!rule.is_array() || rule.size() != 3) return malformed;
    for (const nlohmann::json& part : rule) {
      if (!part.is_string()) return malformed;
    }
    provider.rules.push_back(
        {rule[0].get<std::string>(), rule[1].get<std::string>(), rule[2].get<std::string>()});
  }
  return provider;
}

absl::StatusOr<std::vector<AuthProvider>> ReadProviders(const pqxx::result& rows) {
  std::vector<AuthProvider> providers;
  for (const pqxx::row& row : rows) {
    ASSIGN_OR_RETURN(AuthProvider provider, ReadProvider(row));
    providers.push_back(std::move(provider));
  }
  return providers;
}

void WriteRules(pqxx::transaction_base& tx, const AuthProvider& provider) {
  tx.exec_prepared0(kDeleteRules, provider.id);
  for (size_t i = 0; i < provider.rules.size(); ++i) {
    const AuthProviderRule& rule = provider.rules[i];
    tx.exec_prepared0(kInsertRule, provider.id, static_cast<int>(i), rule.key,
                      rule.value_expression, rule.role);
  }
}

const char* MinimumRoleOrNull(const AuthProvider& provider) {
  return provider.minimum_role.empty() ? nullptr : provider.minimum_role.c_str();
}

std::string NameTaken(const std::string& name) {
  return absl::StrCat("an auth provider named ", name, " already exists");
}

}  // namespace

void PrepareAuthProviderTables(StorageExecutor& executor) {
  executor.Prepare(kSelect, kSelectSql);
  executor.Prepare(kLock, kLockSql);
  executor.Prepare(kLockDeclarative, kLockDeclarativeSql);
  executor.Prepare(kConflicts, kConflictsSql);
  executor.Prepare(kLockRoles, kLockRolesSql);
  executor.Prepare(kInsert, kInsertSql);
  executor.Prepare(kUpdate, kUpdateSql);
  executor.Prepare(kDeleteRules, kDeleteRulesSql);
  executor.Prepare(kInsertRule, kInsertRuleSql);
  executor.Prepare(kDelete, kDeleteSql);
  role_tables::PrepareRoleTables(executor);
}

absl::StatusOr<std::vector<AuthProvider>> SelectProviders(pqxx::transaction_base& tx,
                                                          const std::optional<std::string>& id) {
  return ReadProviders(tx.exec_prepared(kSelect, id ? id->c_str() : nullptr));
}

absl::StatusOr<std::optional<AuthProvider>> LockProvider(pqxx::transaction_base& tx,
                                                         const std::string& id) {
  const pqxx::result rows = tx.exec_prepared(kLock, id);
  if (rows.empty()) return std::nullopt;
  return ReadProvider(rows[0]);
}

absl::StatusOr<std::vector<AuthProvider>> LockDeclarativeProviders(
    pqxx::transaction_base& tx, const std::vector<std::string>& names) {
  return ReadProviders(tx.exec_prepared(kLockDeclarative, TextArrayLiteral(names)));
}

absl::Status CheckUnique(pqxx::transaction_base& tx, const AuthProvider& provider) {
  const pqxx::result rows =
      tx.exec_prepared(kConflicts, provider.id, provider.name, provider.issuer, provider.client_id);
  if (rows.empty()) return absl::OkStatus();
  const std::string other = rows[0][0].as<std::string>();
  if (other == provider.name) return absl::AlreadyExistsError(NameTaken(other));
  return absl::AlreadyExistsError(absl::StrCat("auth provider ", other, " already uses issuer ",
                                               provider.issuer, " with client id ",
                                               provider.client_id));
}

std::vector<std::string> GrantedRoles(const AuthProvider& provider) {
  std::vector<std::string> roles;
  std::set<std::string> seen;
  for (const AuthProviderRule& rule : provider.rules) {
    if (seen.insert(rule.role).second) roles.push_back(rule.role);
  }
  if (!provider.minimum_role.empty() && seen.insert(provider.minimum_role).second) {
    roles.push_back(provider.minimum_role);
  }
  return roles;
}

absl::StatusOr<std::map<std::string, Origin>> LockRoles(pqxx::transaction_base& tx,
                                                        const std::vector<std::string>& names) {
  std::map<std::string, Origin> found;
  for (const pqxx::row& row : tx.exec_prepared(kLockRoles, TextArrayLiteral(names))) {
    ASSIGN_OR_RETURN(found[row[0].as<std::string>()],
                     role_tables::ParseOrigin(row[1].as<std::string>()));
  }
  return found;
}

absl::Status CheckGrantedRoles(pqxx::transaction_base& tx, const AuthProvider& provider,
                               const RoleWriter& writer) {
  const std::vector<std::string> roles = GrantedRoles(provider);
  ASSIGN_OR_RETURN(const auto found, LockRoles(tx, roles));
  std::set<std::string> missing;
  for (const std::string& role : roles) {
    if (found.count(role) == 0) missing.insert(role);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown role(s) in auth provider ", provider.name, ": ", absl::StrJoin(missing, ", ")));
  }
  if (!writer.check) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::vector<Role> held, role_tables::SelectWriterRoles(tx, writer));
  role_tables::RoleFilter granted;
  granted.names = roles;
  return role_tables::CheckWrite(writer, tx, held, granted);
}

void InsertProvider(pqxx::transaction_base& tx, const AuthProvider& provider) {
  tx.exec_prepared0(kInsert, provider.id, provider.name, provider.revision, provider.issuer,
                    provider.client_id, provider.client_secret_file,
                    TextArrayLiteral(provider.scopes), provider.name_claim,
                    MinimumRoleOrNull(provider), role_tables::OriginText(provider.origin));
  WriteRules(tx, provider);
}

void UpdateProvider(pqxx::transaction_base& tx, const AuthProvider& provider) {
  tx.exec_prepared0(kUpdate, provider.id, provider.revision, provider.issuer, provider.client_id,
                    provider.client_secret_file, TextArrayLiteral(provider.scopes),
                    provider.name_claim, MinimumRoleOrNull(provider));
  WriteRules(tx, provider);
}

bool DeleteProvider(pqxx::transaction_base& tx, const std::string& id) {
  return tx.exec_prepared(kDelete, id).affected_rows() > 0;
}

Done<AuthProvider> ExplainDuplicates(AuthProvider provider, Done<AuthProvider> done) {
  return [provider = std::move(provider), done = std::move(done)](absl::StatusOr<AuthProvider> r) {
    if (absl::IsAlreadyExists(r.status())) {
      if (absl::StrContains(r.status().message(), "auth_providers_name_unique")) {
        r = absl::AlreadyExistsError(NameTaken(provider.name));
      } else if (absl::StrContains(r.status().message(), "auth_providers_issuer_client_unique")) {
        r = absl::AlreadyExistsError(absl::StrCat("an auth provider for issuer ", provider.issuer,
                                                  " with client id ", provider.client_id,
                                                  " already exists"));
      }
    }
    done(std::move(r));
  };
}

}  // namespace warden::storage::auth_provider_tables
