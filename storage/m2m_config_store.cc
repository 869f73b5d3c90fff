#include "storage/m2m_config_store.h"

#include <pqxx/pqxx>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/pg/sql_values.h"
#include "storage/role_tables.h"

namespace warden::storage {
namespace {

#define WARDEN_M2M_COLUMNS                                                                 \
  "c.id::text, c.type, c.issuer, array_to_json(c.audiences)::text, c.allow_any_audience, " \
  "c.token_lifetime_ms, COALESCE((SELECT json_agg(json_build_array(m.claim_key, "          \
  "m.value_expression, m.role) ORDER BY m.position) FROM m2m_mappings m "                  \
  "WHERE m.config_id = c.id), '[]')::text, c.revision"

constexpr char kList[] = "warden_m2m_list";
constexpr char kListSql[] =
    "SELECT " WARDEN_M2M_COLUMNS " FROM m2m_configs c ORDER BY c.issuer COLLATE \"C\"";

// $1 id.
constexpr char kGet[] = "warden_m2m_get";
constexpr char kGetSql[] = "SELECT " WARDEN_M2M_COLUMNS " FROM m2m_configs c WHERE c.id = $1::uuid";

// $1 id, $2 type, $3 issuer, $4 audiences (text[] literal), $5 allow_any_audience,
// $6 token_lifetime_ms.
constexpr char kInsert[] = "warden_m2m_insert";
constexpr char kInsertSql[] = R"sql(
INSERT INTO m2m_configs (id, type, issuer, audiences, allow_any_audience, token_lifetime_ms)
VALUES ($1::uuid, $2, $3, $4::text[], $5::boolean, $6::bigint)
RETURNING revision)sql";

constexpr char kUpdate[] = "warden_m2m_update";
constexpr char kUpdateSql[] = R"sql(
UPDATE m2m_configs
SET type = $2, issuer = $3, audiences = $4::text[], allow_any_audience = $5::boolean,
    token_lifetime_ms = $6::bigint, revision = revision + 1
WHERE id = $1::uuid
RETURNING revision)sql";

// $1 config id.
constexpr char kDeleteMappings[] = "warden_m2m_delete_mappings";
constexpr char kDeleteMappingsSql[] = "DELETE FROM m2m_mappings WHERE config_id = $1::uuid";

// $1 config id, $2 position, $3 claim key, $4 expression, $5 role.
constexpr char kInsertMapping[] = "warden_m2m_insert_mapping";
constexpr char kInsertMappingSql[] = R"sql(
INSERT INTO m2m_mappings (config_id, position, claim_key, value_expression, role)
VALUES ($1::uuid, $2::integer, $3, $4, $5))sql";

// $1 role names (text[]). Locks them like TokenStore::Insert does, so a concurrent
// DeleteRole either waits and sees the mapping or runs first and the check fails here.
constexpr char kLockRoles[] = "warden_m2m_lock_roles";
constexpr char kLockRolesSql[] = R"sql(
SELECT name FROM roles WHERE name = ANY($1::text[]) ORDER BY name COLLATE "C" FOR KEY SHARE)sql";

constexpr char kDelete[] = "warden_m2m_delete";
constexpr char kDeleteSql[] = "DELETE FROM m2m_configs WHERE id = $1::uuid";

constexpr char kNotify[] = "warden_m2m_notify";
constexpr char kNotifySql[] = "SELECT pg_notify($1, $2)";

#undef WARDEN_M2M_COLUMNS

const char* TypeName(M2mType type) {
  switch (type) {
    case M2mType::kGeneric:
      return "generic";
    case M2mType::kGithubActions:
      return "github_actions";
    case M2mType::kKubeServiceAccount:
      return "kube_service_account";
  }
  return "generic";
}

absl::StatusOr<M2mType> ParseType(const std::string& name) {
  if (name == "generic") return M2mType::kGeneric;
  if (name == "github_actions") return M2mType::kGithubActions;
  if (name == "kube_service_account") return M2mType::kKubeServiceAccount;
  return absl::InternalError(absl::StrCat("unknown m2m config type in the database: ", name));
}

absl::StatusOr<M2mConfig> ReadConfig(const pqxx::row& row) {
  M2mConfig config;
  config.id = row[0].as<std::string>();
  ASSIGN_OR_RETURN(config.type, ParseType(row[1].as<std::string>()));
  config.issuer = row[2].as<std::string>();
  ASSIGN_OR_RETURN(config.audiences, ParseJsonTextArray(row[3].as<std::string>()));
  config.allow_any_audience = row[4].as<bool>();
  config.token_lifetime = absl::Milliseconds(row[5].as<int64_t>());
  config.revision = row[7].as<int64_t>();
  nlohmann::json mappings = nlohmann::json::parse(row[6].as<std::string>(), nullptr, false);
  if (!mappings.is_array()) return absl::InternalError("m2m mappings do not parse");
  for (const nlohmann::json& m : mappings) {
    if (!m.is_array() || m.size() != 3) return absl::InternalError("m2m mapping does not parse");
    config.mappings.push_back(
        {m[0].get<std::string>(), m[1].get<std::string>(), m[2].get<std::string>()});
  }
  return config;
}

absl::Status CheckId(const std::string& id) {
  if (!IsUuid(id)) return absl::InvalidArgumentError("m2m config id is not a valid UUID");
  return absl::OkStatus();
}

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("m2m config ", id, " not found"));
}

// Writes the configuration row (insert or update) and its mappings in `tx`, after
// checking that every mapped role exists (and locking them) and that `writer` may grant
// them. Sets config.revision to the stored one.
absl::Status WriteConfig(pqxx::work& tx, M2mConfig& config, const RoleWriter& writer, bool insert) {
  // Under the shared roles lock until commit: the roles the writer's check reads are the
  // roles that hold when the configuration commits.
  role_tables::RoleGenerationShared(tx);
  std::vector<std::string> roles;
  for (const M2mMapping& m : config.mappings) roles.push_back(m.role);
  std::set<std::string> found;
  for (const pqxx::row& row : tx.exec_prepared(kLockRoles, TextArrayLiteral(roles))) {
    found.insert(row[0].as<std::string>());
  }
  std::set<std::string> missing;
  for (const std::string& role : roles) {
    if (found.count(role) == 0) missing.insert(role);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown role(s) in mappings: ", absl::StrJoin(missing, ", ")));
  }
  if (writer.check) {
    ASSIGN_OR_RETURN(const std::vector<Role> held, role_tables::SelectWriterRoles(tx, writer));
    role_tables::RoleFilter mapped;
    mapped.names = roles;
    RETURN_IF_ERROR(role_tables::CheckWrite(writer, tx, held, mapped));
  }
  const pqxx::result written =
      tx.exec_prepared(insert ? kInsert : kUpdate, config.id, TypeName(config.type), config.issuer,
                       TextArrayLiteral(config.audiences), config.allow_any_audience,
                       static_cast<int64_t>(absl::ToInt64Milliseconds(config.token_lifetime)));
  if (written.empty()) return NotFound(config.id);
  config.revision = written[0][0].as<int64_t>();
  tx.exec_prepared0(kDeleteMappings, config.id);
  for (size_t i = 0; i < config.mappings.size(); ++i) {
    const M2mMapping& m = config.mappings[i];
    tx.exec_prepared0(kInsertMapping, config.id, static_cast<int>(i), m.key, m.value_expression,
                      m.role);
  }
  tx.exec_prepared(kNotify, M2mConfigStore::kChangeChannel, config.id);
  return absl::OkStatus();
}

// ALREADY_EXISTS from the issuer's unique constraint, said in the caller's terms.
std::function<void(absl::StatusOr<M2mConfig>)> NameDuplicates(
    std::string issuer, std::function<void(absl::StatusOr<M2mConfig>)> done) {
  return [issuer = std::move(issuer), done = std::move(done)](absl::StatusOr<M2mConfig> r) {
    if (absl::IsAlreadyExists(r.status())) {
      return done(absl::AlreadyExistsError(
          absl::StrCat("an m2m config for issuer ", issuer, " already exists")));
    }
    done(std::move(r));
  };
}

}  // namespace

M2mConfigStore::M2mConfigStore(StorageExecutor& executor) : executor_(executor) {
  executor_.Prepare(kList, kListSql);
  executor_.Prepare(kGet, kGetSql);
  executor_.Prepare(kInsert, kInsertSql);
  executor_.Prepare(kUpdate, kUpdateSql);
  executor_.Prepare(kDeleteMappings, kDeleteMappingsSql);
  executor_.Prepare(kInsertMapping, kInsertMappingSql);
  executor_.Prepare(kLockRoles, kLockRolesSql);
  executor_.Prepare(kDelete, kDeleteSql);
  executor_.Prepare(kNotify, kNotifySql);
  role_tables::PrepareRoleTables(executor_);
}

void M2mConfigStore::List(Done<std::vector<M2mConfig>> done) {
  executor_.Run<std::vector<M2mConfig>>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<std::vector<M2mConfig>> {
        pqxx::nontransaction tx(conn, "m2m_list");
        std::vector<M2mConfig> configs;
        for (const pqxx::row& row : tx.exec_prepared(kList)) {
          ASSIGN_OR_RETURN(M2mConfig config, ReadConfig(row));
          configs.push_back(std::move(config));
        }
        return configs;
      },
      std::move(done));
}

void M2mConfigStore::Get(std::string id, Done<M2mConfig> done) {
  if (absl::Status s = CheckId(id); !s.ok()) return done(s);
  executor_.Run<M2mConfig>(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::StatusOr<M2mConfig> {
        pqxx::nontransaction tx(conn, "m2m_get");
        const pqxx::result rows = tx.exec_prepared(kGet, id);
        if (rows.empty()) return NotFound(id);
        return ReadConfig(rows[0]);
      },
      std::move(done));
}

void M2mConfigStore::Add(M2mConfig config, RoleWriter writer, Done<M2mConfig> done) {
  config.id = NewUuidV4();
  std::string issuer = config.issuer;
  executor_.Run<M2mConfig>(
      [config = std::move(config), writer = std::move(writer)](
          pqxx::connection_base& conn) mutable -> absl::StatusOr<M2mConfig> {
        pqxx::work tx(conn, "m2m_add");
        RETURN_IF_ERROR(WriteConfig(tx, config, writer, /*insert=*/true));
        tx.commit();
        return config;
      },
      NameDuplicates(std::move(issuer), std::move(done)));
}

void M2mConfigStore::Update(M2mConfig config, RoleWriter writer, Done<M2mConfig> done) {
  if (absl::Status s = CheckId(config.id); !s.ok()) return done(s);
  std::string issuer = config.issuer;
  executor_.Run<M2mConfig>(
      [config = std::move(config), writer = std::move(writer)](
          pqxx::connection_base& conn) mutable -> absl::StatusOr<M2mConfig> {
        pqxx::work tx(conn, "m2m_update");
        RETURN_IF_ERROR(WriteConfig(tx, config, writer, /*insert=*/false));
        tx.commit();
        return config;
      },
      NameDuplicates(std::move(issuer), std::move(done)));
}

void M2mConfigStore::Delete(std::string id, std::function<void(absl::Status)> done) {
  if (absl::Status s = CheckId(id); !s.ok()) return done(s);
  executor_.Run(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::Status {
        pqxx::work tx(conn, "m2m_delete");
        if (tx.exec_prepared(kDelete, id).affected_rows() == 0) return NotFound(id);
        tx.exec_prepared(kNotify, kChangeChannel, id);
        tx.commit();
        return absl::OkStatus();
      },
      std::move(done));
}

}  // namespace warden::storage
