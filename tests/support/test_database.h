#pragma once

#include <string>

namespace warden::testing {

// A fresh, empty database `warden_test_<random hex>` on the tests' PostgreSQL server, for
// one storage or end-to-end test; dropped when this object goes away.
//
// The server is the one named by WARDEN_TEST_DATABASE_URL if that is set, otherwise the one
// in the file named by WARDEN_TEST_PG_ENV (written by the CTest fixture `postgres`, see
// tests/support/CMakeLists.txt). If neither names a reachable server, the process aborts
// with a message saying to run the tests through ctest or scripts/test.
// Any thread may create one; each has its own database.
class TestDatabase final {
 public:
  TestDatabase();
  // Drops the database WITH (FORCE): connections still open to it are terminated.
  ~TestDatabase();

  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // postgresql://postgres@127.0.0.1:PORT/<name()>, as a superuser.
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  const std::string server_url_;  // the server's maintenance database, for CREATE/DROP
  const std::string name_;
  const std::string url_;
};

}  // namespace warden::testing
