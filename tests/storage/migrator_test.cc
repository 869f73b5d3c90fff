#include "storage/pg/migrator.h"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/pg/migrations.h"
#include "tests/support/free_port.h"
#include "tests/support/test_database.h"

namespace warden::storage {
namespace {

struct AppliedMigration {
  int version;
  std::string name;
  std::string applied_at;
};

std::vector<AppliedMigration> Applied(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  std::vector<AppliedMigration> out;
  for (const pqxx::row& row :
       tx.exec("SELECT version, name, applied_at::text FROM schema_migrations ORDER BY 1")) {
    out.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return out;
}

void RequireAllRecorded(const std::vector<AppliedMigration>& applied) {
  const auto embedded = EmbeddedMigrations();
  REQUIRE(applied.size() == embedded.size());
  for (size_t i = 0; i < applied.size(); ++i) {
    CHECK(applied[i].version == embedded[i].version);
    CHECK(applied[i].name == embedded[i].name);
  }
}

TEST_CASE("the embedded migrations are 0001_init then 0002_seed", "[migrator]") {
  const auto embedded = EmbeddedMigrations();
  REQUIRE(embedded.size() >= 2);
  CHECK(embedded[0].version == 1);
  CHECK(embedded[0].name == "0001_init");
  CHECK(embedded[1].version == 2);
  CHECK(embedded[1].name == "0002_seed");
  CHECK(embedded[0].sql.find("CREATE TABLE tokens") != std::string_view::npos);
}

TEST_CASE("0003 turns built_in into origin and keeps built_in derived from it", "[migrator]") {
  const auto embedded = EmbeddedMigrations();
  REQUIRE(embedded.size() >= 3);
  CHECK(embedded[2].name == "0003_roles_origin");

  warden::testing::TestDatabase db;
  REQUIRE(ApplyMigrations(db.url()).ok());
  pqxx::connection conn(db.url());
  pqxx::work tx(conn);
  for (const char* table : {"roles", "permission_sets", "access_scopes"}) {
    INFO(table);
    const pqxx::row counts =
        tx.exec1(absl::StrCat("SELECT count(*) FILTER (WHERE origin = 'built_in'), "
                              "count(*) FILTER (WHERE built_in <> (origin = 'built_in')) FROM ",
                              table));
    CHECK(counts[0].as<int>() > 0);  // the seed is built in
    CHECK(counts[1].as<int>() == 0);
  }
  // An API row: built_in follows origin, and origin admits only the three values.
  tx.exec0(
      "INSERT INTO access_scopes (id, name, origin) "
      "VALUES ('c0c0c0c0-0000-4000-8000-000000000001', 'Prod', 'api')");
  CHECK_FALSE(tx.exec1("SELECT built_in FROM access_scopes WHERE name = 'Prod'")[0].as<bool>());
  CHECK(
      tx.exec1("SELECT rules::text FROM access_scopes WHERE name = 'Prod'")[0].as<std::string>() ==
      R"({"clusters": [], "namespaces": []})");
  CHECK_THROWS_AS(tx.exec0("UPDATE access_scopes SET origin = 'other' WHERE name = 'Prod'"),
                  pqxx::check_violation);
}

TEST_CASE("migrations apply once and a second run is a no-op", "[migrator]") {
  warden::testing::TestDatabase db;
  REQUIRE(ApplyMigrations(db.url()).ok());
  const std::vector<AppliedMigration> first = Applied(db.url());
  RequireAllRecorded(first);

  const absl::Status again = ApplyMigrations(db.url());
  INFO(again.ToString());
  REQUIRE(again.ok());
  const std::vector<AppliedMigration> second = Applied(db.url());
  RequireAllRecorded(second);
  for (size_t i = 0; i < first.size(); ++i) CHECK(second[i].applied_at == first[i].applied_at);

  pqxx::connection conn(db.url());
  pqxx::nontransaction tx(conn);
  CHECK(tx.exec1("SELECT count(*) FROM roles")[0].as<int>() == 7);
  CHECK(tx.exec1("SELECT count(*) FROM resources")[0].as<int>() == 24);
}

TEST_CASE("two processes migrating at once both succeed and apply each version once",
          "[migrator]") {
  warden::testing::TestDatabase db;
  absl::Status results[2];
  std::vector<std::thread> threads;
  for (absl::Status& result : results) {
    threads.emplace_back([&db, &result] { result = ApplyMigrations(db.url()); });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& result : results) {
    INFO(result.ToString());
    CHECK(result.ok());
  }
  RequireAllRecorded(Applied(db.url()));
}

TEST_CASE("the tokens table has no column for the token string", "[migrator]") {
  warden::testing::TestDatabase db;
  REQUIRE(ApplyMigrations(db.url()).ok());
  pqxx::connection conn(db.url());
  pqxx::nontransaction tx(conn);
  std::set<std::string> columns;
  for (const pqxx::row& row :
       tx.exec("SELECT column_name FROM information_schema.columns WHERE table_name = 'tokens'")) {
    columns.insert(row[0].as<std::string>());
  }
  CHECK(columns == std::set<std::string>{
                       "id", "name", "roles", "issued_at", "expires_at", "revoked", "revoked_at",
                       "created_by", "last_used_at", "expired", "root_principal", "created_by_name",
                       "description", "rotated_from", "rotated_to", "signed_expires_at"});
}

TEST_CASE("migrating an unreachable database is UNAVAILABLE", "[migrator]") {
  const std::string url =
      absl::StrCat("postgresql://postgres@127.0.0.1:", warden::testing::FreeTcpPort(), "/x");
  const absl::Status status = ApplyMigrations(url);
  CHECK(status.code() == absl::StatusCode::kUnavailable);
  CHECK(absl::StrContains(status.message(), "database unavailable"));
}

}  // namespace
}  // namespace warden::storage
