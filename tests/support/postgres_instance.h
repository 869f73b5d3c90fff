#pragma once

#include <string>

namespace warden::testing {

// A private PostgreSQL server for one test that must stop and restart the database (the
// end-to-end fault tests). Tests that only need a database use TestDatabase, which is far
// cheaper. Runs tests/support/test_postgres.sh: data under /tmp, fsync off, listening on a
// free 127.0.0.1 port, superuser `postgres` with trust authentication.
//
// Every call blocks until the server really is up (accepting connections) or down. A
// failure to start or stop aborts the process with the script's output: the test could not
// go on. Not thread-safe: one thread owns it.
class PostgresInstance final {
 public:
  // initdb's a fresh data directory and starts the server (about a second).
  PostgresInstance();
  // Stops the server if it runs and removes its data.
  ~PostgresInstance();

  PostgresInstance(const PostgresInstance&) = delete;
  PostgresInstance& operator=(const PostgresInstance&) = delete;

  // postgresql://postgres@127.0.0.1:PORT/postgres; the same across Stop/Start.
  const std::string& url() const { return url_; }
  int port() const { return port_; }

  // Fast shutdown: open connections are closed, their transactions rolled back.
  void Stop();
  // Starts it again on the same port with the same data.
  // REQUIRES: stopped (by Stop).
  void Start();

 private:
  // Runs test_postgres.sh `command` on state_dir_; aborts if it fails.
  void RunScript(const std::string& command);

  std::string state_dir_;  // the script's state; removed by the destructor
  std::string url_;
  int port_ = 0;
};

}  // namespace warden::testing
