#include "tests/support/test_database.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "glog/logging.h"
#include "pqxx/pqxx"

namespace warden::testing {
namespace {

constexpr char kUrlVariable[] = "WARDEN_TEST_DATABASE_URL";
constexpr char kEnvFileVariable[] = "WARDEN_TEST_PG_ENV";
constexpr char kHowToRun[] =
    "Tests that need PostgreSQL start one through the CTest fixture `postgres`: run them with "
    "`ctest --test-dir build` or `./scripts/test`, not by hand (or set "
    "WARDEN_TEST_DATABASE_URL to a server where you may create and drop databases).";

// The URL of the tests' server, from the environment or the fixture's env file.
std::string ServerUrl() {
  if (const char* url = std::getenv(kUrlVariable); url != nullptr && *url != '\0') return url;
  const char* env_file = std::getenv(kEnvFileVariable);
  if (env_file == nullptr || *env_file == '\0') {
    LOG(FATAL) << "No test PostgreSQL: neither " << kUrlVariable << " nor " << kEnvFileVariable
               << " is set. " << kHowToRun;
  }
  std::ifstream in(env_file);
  const std::string prefix = absl::StrCat(kUrlVariable, "=");
  for (std::string line; std::getline(in, line);) {
    if (absl::StartsWith(line, prefix)) return line.substr(prefix.size());
  }
  LOG(FATAL) << "No test PostgreSQL: " << env_file << " (from " << kEnvFileVariable
             << ") is missing or has no " << kUrlVariable << " line; the fixture test "
             << "postgres_start did not run or failed. " << kHowToRun;
}

// `url` with its database name replaced by `database`; a query string is kept.
std::string WithDatabase(const std::string& url, const std::string& database) {
  size_t authority = url.find("://");
  authority = authority == std::string::npos ? 0 : authority + 3;
  const size_t query = url.find('?', authority);
  const size_t path = url.find('/', authority);
  const size_t host_end = std::min(path, query);
  std::string result = absl::StrCat(url.substr(0, host_end), "/", database);
  if (query != std::string::npos) result += url.substr(query);
  return result;
}

std::string NewDatabaseName() {
  std::random_device random;
  std::uniform_int_distribution<uint64_t> bits;
  return absl::StrFormat("warden_test_%016x", bits(random));
}

}  // namespace

TestDatabase::TestDatabase()
    : server_url_(ServerUrl()), name_(NewDatabaseName()), url_(WithDatabase(server_url_, name_)) {
  try {
    pqxx::connection connection(server_url_);
    pqxx::nontransaction tx(connection);
    tx.exec0("CREATE DATABASE " + tx.quote_name(name_));
  } catch (const std::exception& e) {
    LOG(FATAL) << "Cannot create a test database on " << server_url_ << ": " << e.what() << "\n"
               << kHowToRun;
  }
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection connection(server_url_);
    pqxx::nontransaction tx(connection);
    tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    LOG(ERROR) << "Cannot drop test database " << name_ << ": " << e.what();
  }
}

}  // namespace warden::testing
