// End to end: two warden-server replicas on one database stay in step through PostgreSQL
// LISTEN/NOTIFY (the periodic reconcile is set to an hour here, so it cannot help).

#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/role_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/free_port.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

// Polls `check` until it returns `wanted`, for at most `limit`; returns how long that took,
// or nullopt if it never happened. Polling (not sleeping) is what the bound is about.
template <typename Check>
std::optional<absl::Duration> TimeUntil(bool wanted, Check check, absl::Duration limit) {
  absl::Time start = absl::Now();
  while (absl::Now() - start < limit) {
    if (check() == wanted) return absl::Now() - start;
  }
  return std::nullopt;
}

template <typename Check>
std::optional<absl::Duration> TimeUntilFalse(Check check, absl::Duration limit) {
  return TimeUntil(false, check, limit);
}

// One signing key for the fleet, as replicas share it from a Secret in production.
std::string SharedKey() {
  char dir[] = "/tmp/warden-fleet-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string path = std::string(dir) + "/signing-key.pem";
  std::string command =
      "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + path;
  REQUIRE(std::system(command.c_str()) == 0);
  return path;
}

class Fleet {
 public:
  Fleet()
      : key_(SharedKey()),
        metrics_port_b_(FreeTcpPort()),
        a_(Env()),
        b_(Env({{"WARDEN_METRICS_LISTEN", absl::StrCat("127.0.0.1:", metrics_port_b_)}})),
        api_a_(a_.channel()),
        api_b_(b_.channel()) {
    a_.Start();
    b_.Start();
    admin_ = a_.AdminAuthorization();
  }
  ~Fleet() { std::filesystem::remove_all(std::filesystem::path(key_).parent_path()); }
  std::map<std::string, std::string> Env(std::map<std::string, std::string> extra = {}) {
    extra.insert({{"WARDEN_DATABASE_URL", database_.url()},
                  {"WARDEN_RECONCILE_INTERVAL", "1h"},
                  {"WARDEN_SIGNING_KEYS", key_}});
    return extra;
  }
  // B's Prometheus text.
  std::string ScrapeB() {
    httplib::Client client("127.0.0.1", metrics_port_b_);
    client.set_connection_timeout(5);
    client.set_read_timeout(5);
    auto response = client.Get("/metrics");
    REQUIRE(response);
    return response->body;
  }

  std::string key_;
  int metrics_port_b_;
  TestDatabase database_;
  WardenProcess a_;
  WardenProcess b_;
  ApiClient api_a_;
  ApiClient api_b_;
  std::string admin_;
};

TEST_CASE_METHOD(Fleet, "a token revoked through one replica is rejected by the other at once") {
  std::vector<absl::Duration> lags;
  for (int i = 0; i < 20; ++i) {
    auto minted = api_a_.Generate(admin_, "t" + std::to_string(i), {"Analyst"});
    REQUIRE(minted.ok());
    std::string bearer = Bearer(minted.response.token());
    REQUIRE(api_b_.AuthStatus(bearer).ok());
    REQUIRE(api_a_.Revoke(admin_, minted.response.metadata().id()).ok());
    auto lag = TimeUntilFalse([&] { return api_b_.AuthStatus(bearer).ok(); }, absl::Seconds(5));
    REQUIRE(lag.has_value());
    lags.push_back(*lag);
  }
  std::sort(lags.begin(), lags.end());
  // The figures, for docs/performance.md; the assertion is the correctness bound only.
  std::cout << "revocation propagation over " << lags.size() << " revocations: p50 "
            << absl::FormatDuration(lags[lags.size() / 2]) << ", max "
            << absl::FormatDuration(lags.back()) << std::endl;
  CHECK(lags.back() < absl::Seconds(1));
  // B measured the same propagation itself, for operators.
  const std::string metrics = ScrapeB();
  CHECK_THAT(metrics, Catch::Contains("warden_revocation_propagation_seconds_count 20"));
  CHECK_THAT(metrics, Catch::Contains("warden_revocations_applied_total 20"));
}

TEST_CASE_METHOD(Fleet, "a role edited through one replica takes effect on the other") {
  RoleClient roles(a_.channel());
  auto set = roles.CreatePermissionSet(admin_, "Revoker",
                                       {{"Access", v1::ACCESS_LEVEL_READ_ACCESS},
                                        {"Integration", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}});
  REQUIRE(set.ok());
  REQUIRE(roles.CreateRole(admin_, "Revoker", set.response.permission_set().id()).ok());
  auto minted = api_a_.Generate(admin_, "revoker", {"Revoker"});
  REQUIRE(minted.ok());
  std::string bearer = Bearer(minted.response.token());
  auto can_write = [&] {
    auto status = api_b_.AuthStatus(bearer);
    if (!status.ok()) return false;
    const auto& permissions = status.response.identity().permissions();
    auto integration = permissions.find("Integration");
    return integration != permissions.end() &&
           integration->second == v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  };
  // The new role reaches B through the change feed too, so B may not know it yet.
  REQUIRE(TimeUntil(true, can_write, absl::Seconds(5)).has_value());

  v1::UpdatePermissionSetRequest update;
  *update.mutable_permission_set() = set.response.permission_set();
  (*update.mutable_permission_set()->mutable_resource_to_access())["Integration"] =
      v1::ACCESS_LEVEL_READ_ACCESS;
  REQUIRE(roles.Call(&v1::RoleService::Stub::UpdatePermissionSet, admin_, update).ok());
  CHECK(TimeUntilFalse(can_write, absl::Seconds(5)).has_value());
}

TEST_CASE_METHOD(Fleet, "a revocation made while a replica's feed is cut still reaches it") {
  auto minted = api_a_.Generate(admin_, "cut", {"Analyst"});
  REQUIRE(minted.ok());
  std::string bearer = Bearer(minted.response.token());
  REQUIRE(api_b_.AuthStatus(bearer).ok());
  {
    pqxx::connection conn(database_.url());
    pqxx::nontransaction tx(conn);
    pqxx::result killed = tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = 'warden-change-feed' AND datname = current_database()");
    CHECK(killed.size() == 2);
  }
  REQUIRE(api_a_.Revoke(admin_, minted.response.metadata().id()).ok());
  CHECK(TimeUntilFalse([&] { return api_b_.AuthStatus(bearer).ok(); }, absl::Seconds(10))
            .has_value());
  CHECK(b_.WaitForLog("change feed lost its database connection", 1, absl::Seconds(5)));
}

}  // namespace
}  // namespace warden::testing
