#include "storage/pg/migrator.h"

#include <map>
#include <pqxx/pqxx>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "storage/pg/connection_options.h"
#include "storage/pg/errors.h"
#include "storage/pg/migrations.h"

namespace warden::storage {
namespace {

// Key of the advisory lock that serializes migrations (advisory locks are per database).
// An arbitrary constant: "warden" in ASCII.
constexpr int64_t kMigrationLockKey = 0x77617264656e;

constexpr char kLockSql[] = "SELECT pg_advisory_xact_lock($1)";
constexpr char kCreateTableSql[] = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";
constexpr char kSelectAppliedSql[] = "SELECT version, name FROM schema_migrations";
constexpr char kRecordSql[] = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

// Migrations can take a while on a large database; only the connect is bounded.
constexpr absl::Duration kConnectTimeout = absl::Seconds(10);

absl::Status Migrate(pqxx::connection_base& conn) {
  pqxx::work tx(conn, "migrate");
  // CREATE TABLE IF NOT EXISTS would otherwise print a NOTICE on every start.
  tx.exec0("SET LOCAL client_min_messages = warning");
  tx.exec_params1(kLockSql, kMigrationLockKey);
  tx.exec0(kCreateTableSql);

  std::map<int, std::string> applied;
  for (const pqxx::row& row : tx.exec(kSelectAppliedSql)) {
    applied.emplace(row[0].as<int>(), row[1].as<std::string>());
  }

  int latest_known = 0;
  int count = 0;
  for (const Migration& m : EmbeddedMigrations()) {
    latest_known = m.version;
    auto it = applied.find(m.version);
    if (it != applied.end()) {
      if (it->second != m.name) {
        return absl::FailedPreconditionError(
            absl::StrCat("schema migration ", m.version, " is recorded as \"", it->second,
                         "\" but this binary's is \"", std::string(m.name), "\""));
      }
      continue;
    }
    LOG(INFO) << "Applying schema migration " << m.name;
    tx.exec(std::string(m.sql));
    tx.exec_params0(kRecordSql, m.version, std::string(m.name));
    ++count;
  }
  if (!applied.empty() && applied.rbegin()->first > latest_known) {
    LOG(WARNING) << "Database schema is at version " << applied.rbegin()->first
                 << ", newer than this binary's " << latest_known;
  }
  tx.commit();
  if (count > 0) LOG(INFO) << "Applied " << count << " schema migration(s)";
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMigrations(const std::string& database_url) {
  try {
    pqxx::connection conn(WithConnectionOptions(database_url, kConnectTimeout, std::nullopt));
    return Migrate(conn);
  } catch (...) {
    absl::Status status = StatusFromException(std::current_exception());
    return absl::Status(status.code(), absl::StrCat("applying migrations: ", status.message()));
  }
}

}  // namespace warden::storage
