// End to end: a table of hostile requests — oversized, not UTF-8, NUL bytes, SQL
// metacharacters in every string field, huge repeated fields, out-of-range numbers, piles of
// credentials, deeply nested JSON — each answered with the code a careful API user expects,
// a short message that echoes none of it, and a server that stays healthy. The rows are in
// hostile_{token,auth,role,m2m}_rows.cc; one server answers them all, in that order.

#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "tests/e2e/hostile_fixture.h"

namespace warden::testing {
namespace {

TEST_CASE_METHOD(HostileFixture, "hostile input gets the right code and the server stays healthy") {
  REQUIRE(AddM2m(issuer_.url(), [](auto&) {}).ok());  // so that its ID tokens are verified

  for (const std::vector<HostileRow>& part : {TokenRows(), AuthRows(), RoleRows(), M2mRows()}) {
    for (const HostileRow& row : part) {
      INFO("row: " << row.description);
      grpc::Status status = row.call();
      INFO("answer: " << static_cast<int>(status.error_code()) << " "
                      << status.error_message().substr(0, 300));
      CHECK(status.error_code() == row.expected);
      // A short message that does not echo the input back.
      CHECK(status.error_message().size() <= 512);
      CHECK_FALSE(absl::StrContains(status.error_message(), "QQQQQQQQ"));
      CHECK_FALSE(absl::StrContains(status.error_message(), "TTTTTTTT"));
      // Still healthy, and still doing its job.
      CHECK(Health() == "SERVING");
      CHECK(AuthStatusWith({admin_}).ok());
    }
  }

  // Nothing the table did reached SQL as SQL.
  CHECK(Get(kUnknownId).error_code() == grpc::StatusCode::NOT_FOUND);
  v1::GetRoleResponse admin_role;
  CHECK(GetRole("Admin", &admin_role).ok());

  // The log holds no secret, none of the hostile payloads, and no sign of a crash.
  const std::string log = server_.Log();
  CHECK_FALSE(absl::StrContains(log, server_.admin_password()));
  for (const std::string& token : minted_tokens_) CHECK_FALSE(absl::StrContains(log, token));
  CHECK_FALSE(absl::StrContains(log, std::string(64, 'Q')));
  CHECK_FALSE(absl::StrContains(log, std::string(64, 'T')));
  for (const char* crash : {"Check failed", "terminate called", "SIGSEGV", "SIGABRT", "*** "}) {
    CHECK_FALSE(absl::StrContains(log, crash));
  }
}

}  // namespace
}  // namespace warden::testing
