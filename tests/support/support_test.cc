// Self-tests of the test support: if these fail, every storage and end-to-end test is suspect.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "pqxx/pqxx"
#include "tests/support/free_port.h"
#include "tests/support/postgres_instance.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

int CountDatabasesNamed(const std::string& url, const std::string& name) {
  pqxx::connection connection(url);
  pqxx::work tx(connection);
  return tx.exec_params1("SELECT count(*) FROM pg_database WHERE datname = $1", name)[0].as<int>();
}

TEST_CASE("TestDatabase creates a fresh database and drops it even while connected") {
  TestDatabase other;
  std::string name;
  std::optional<pqxx::connection> still_open;
  {
    TestDatabase db;
    name = db.name();
    CHECK(name.rfind("warden_test_", 0) == 0);
    CHECK(db.name() != other.name());
    still_open.emplace(db.url());
    pqxx::work tx(*still_open);
    CHECK(tx.exec1("SELECT current_database()")[0].as<std::string>() == name);
    CHECK(tx.exec1("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0].as<int>() == 0);
    tx.commit();
    CHECK(CountDatabasesNamed(other.url(), name) == 1);
  }
  CHECK(CountDatabasesNamed(other.url(), name) == 0);
}

TEST_CASE("PostgresInstance stops and starts again with the same data") {
  PostgresInstance pg;
  {
    pqxx::connection connection(pg.url());
    pqxx::work tx(connection);
    tx.exec0("CREATE TABLE kept (v int)");
    tx.exec0("INSERT INTO kept VALUES (42)");
    tx.commit();
  }
  pg.Stop();
  CHECK_THROWS_AS(pqxx::connection(pg.url()), pqxx::broken_connection);
  pg.Start();
  pqxx::connection connection(pg.url());
  pqxx::work tx(connection);
  CHECK(tx.exec1("SELECT v FROM kept")[0].as<int>() == 42);
}

TEST_CASE("Subprocess captures output, environment and exit code") {
  auto child = Subprocess::Start({
      .argv = {"sh", "-c", "echo out $GREETING; echo err >&2; exit 3"},
      .env = {{"GREETING", "hello"}},
  });
  REQUIRE(child.ok());
  CHECK((*child)->Wait() == 3);
  CHECK_FALSE((*child)->Running());
  CHECK((*child)->ReadStdout() == "out hello\n");
  CHECK((*child)->ReadStderr() == "err\n");
}

TEST_CASE("Subprocess can be signalled and reports the signal") {
  auto child = Subprocess::Start({.argv = {"sleep", "30"}});
  REQUIRE(child.ok());
  CHECK((*child)->Running());
  CHECK_FALSE((*child)->WaitFor(absl::Milliseconds(50)).has_value());
  (*child)->Kill(SIGTERM);
  CHECK((*child)->Wait() == 128 + SIGTERM);
  CHECK_FALSE((*child)->Running());
}

TEST_CASE("Subprocess reports a missing program as NOT_FOUND") {
  auto child = Subprocess::Start({.argv = {"/nonexistent/warden-no-such-program"}});
  REQUIRE_FALSE(child.ok());
  CHECK(child.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("FreeTcpPort returns a port that can be bound") {
  const int port = FreeTcpPort();
  REQUIRE(port > 0);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  CHECK(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  close(fd);
}

}  // namespace
}  // namespace warden::testing
