#pragma once

#include <string>

namespace warden::testing {

// SIGKILLs every process of the PostgreSQL server that `superuser_url` reaches (the
// postmaster and all its children at once, as a crash or the OOM killer would leave it:
// nothing flushed, no shutdown checkpoint) and returns once they are all gone, so that the
// same data directory can be started again (PostgresInstance::Start then runs crash
// recovery). Fails the test if they are not gone within 30 s.
// REQUIRES: a server this process may signal (its own PostgresInstance, run as the same
// user or by root); `superuser_url` connects as a superuser (to read data_directory).
void CrashPostgres(const std::string& superuser_url);

}  // namespace warden::testing
