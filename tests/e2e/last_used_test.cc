// End to end: token last_used_at. The server records uses in memory and writes
// them every WARDEN_LAST_USED_FLUSH_INTERVAL; the tests set it short and poll the API with a
// deadline, or set it to an hour and rely on the flush at graceful shutdown.

#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <string>

#include "absl/time/clock.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/postgres_instance.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void ToProto(absl::Time t, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(t));
  out->set_nanos(0);
}

// Polls GetToken until the token has a last_used_at, for at most `limit`. The server writes
// on its own schedule; polling (bounded by the deadline) is how a client would see it.
std::optional<v1::TokenMetadata> WaitForLastUsed(ApiClient& api, const std::string& admin,
                                                 const std::string& id, absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    auto got = api.Get(admin, id);
    if (got.ok() && got.response.token().has_last_used_at()) return got.response.token();
    absl::SleepFor(absl::Milliseconds(20));
  }
  return std::nullopt;
}

// Every token of a ListTokens with `request`, page after page.
std::vector<v1::TokenMetadata> ListAll(ApiClient& api, const std::string& admin,
                                       v1::ListTokensRequest request, int* pages = nullptr) {
  std::vector<v1::TokenMetadata> tokens;
  int count = 0;
  do {
    auto page = api.List(admin, request);
    INFO(page.message());
    REQUIRE(page.ok());
    ++count;
    for (const v1::TokenMetadata& token : page.response.tokens()) tokens.push_back(token);
    request.set_page_token(page.response.next_page_token());
  } while (!request.page_token().empty() && count < 100);
  if (pages != nullptr) *pages = count;
  return tokens;
}

std::set<std::string> Names(const std::vector<v1::TokenMetadata>& tokens) {
  std::set<std::string> names;
  for (const v1::TokenMetadata& token : tokens) names.insert(token.name());
  return names;
}

class LastUsedFixture {
 public:
  explicit LastUsedFixture(
      std::map<std::string, std::string> env = {{"WARDEN_LAST_USED_FLUSH_INTERVAL", "100ms"}})
      : server_(WithDatabase(std::move(env), database_.url())), api_(server_.channel()) {
    server_.Start();
    admin_ = server_.AdminAuthorization();
  }

  v1::GenerateTokenResponse Mint(const std::string& name) {
    auto minted = api_.Generate(admin_, name, {"Analyst"});
    INFO(minted.message());
    REQUIRE(minted.ok());
    return minted.response;
  }

  static std::map<std::string, std::string> WithDatabase(std::map<std::string, std::string> env,
                                                         const std::string& url) {
    env["WARDEN_DATABASE_URL"] = url;
    return env;
  }

  TestDatabase database_;
  WardenProcess server_;
  ApiClient api_;
  std::string admin_;
};

TEST_CASE_METHOD(LastUsedFixture,
                 "using a token as a credential or through ValidateToken sets its last_used_at, "
                 "and ListTokens filters on it",
                 "[last_used]") {
  v1::GenerateTokenResponse credential = Mint("credential");
  v1::GenerateTokenResponse validated = Mint("validated");
  v1::GenerateTokenResponse idle = Mint("idle");
  CHECK_FALSE(credential.metadata().has_last_used_at());

  const absl::Time before = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  REQUIRE(api_.AuthStatus(Bearer(credential.token())).ok());
  REQUIRE(api_.Validate(admin_, validated.token()).ok());
  const absl::Time after = absl::Now();

  std::optional<v1::TokenMetadata> used =
      WaitForLastUsed(api_, admin_, credential.metadata().id(), absl::Seconds(30));
  REQUIRE(used.has_value());
  CHECK(FromProto(used->last_used_at()) >= before);
  CHECK(FromProto(used->last_used_at()) <= after);
  REQUIRE(WaitForLastUsed(api_, admin_, validated.metadata().id(), absl::Seconds(30)));
  auto idle_now = api_.Get(admin_, idle.metadata().id());
  REQUIRE(idle_now.ok());
  CHECK_FALSE(idle_now.response.token().has_last_used_at());

  // ListTokens carries it, and unused_since keeps the tokens not used since then.
  std::vector<v1::TokenMetadata> all = ListAll(api_, admin_, {});
  REQUIRE(all.size() == 3);
  CHECK(all[0].has_last_used_at());
  CHECK_FALSE(all[2].has_last_used_at());

  v1::ListTokensRequest stale;
  ToProto(before - absl::Hours(1), stale.mutable_unused_since());
  CHECK(Names(ListAll(api_, admin_, stale)) == std::set<std::string>{"idle"});
  v1::ListTokensRequest everything;
  ToProto(after + absl::Hours(1), everything.mutable_unused_since());
  everything.set_page_size(1);
  int pages = 0;
  std::vector<v1::TokenMetadata> paged = ListAll(api_, admin_, everything, &pages);
  CHECK(Names(paged) == std::set<std::string>{"credential", "validated", "idle"});
  CHECK(paged.size() == 3);
  CHECK(pages == 3);

  v1::ListTokensRequest bad;
  bad.mutable_unused_since()->set_nanos(-1);
  CHECK(api_.List(admin_, bad).code() == grpc::StatusCode::INVALID_ARGUMENT);

  // Used again within the minute: the recorded time stays (at most one write a minute).
  REQUIRE(api_.AuthStatus(Bearer(credential.token())).ok());
  auto again = api_.Get(admin_, credential.metadata().id());
  REQUIRE(again.ok());
  CHECK(FromProto(again.response.token().last_used_at()) == FromProto(used->last_used_at()));
}

TEST_CASE("a graceful shutdown writes the uses still pending", "[last_used]") {
  // An hour between flushes: only the shutdown can write it.
  TestDatabase database;
  WardenProcess server(
      {{"WARDEN_DATABASE_URL", database.url()}, {"WARDEN_LAST_USED_FLUSH_INTERVAL", "1h"}});
  server.Start();
  ApiClient api(server.channel());
  auto minted = api.Generate(server.AdminAuthorization(), "used once", {"Analyst"});
  REQUIRE(minted.ok());
  REQUIRE(api.AuthStatus(Bearer(minted.response.token())).ok());
  auto before_stop = api.Get(server.AdminAuthorization(), minted.response.metadata().id());
  REQUIRE(before_stop.ok());
  CHECK_FALSE(before_stop.response.token().has_last_used_at());  // not flushed yet

  CHECK(server.Stop() == 0);
  server.Start();
  auto after_restart = api.Get(server.AdminAuthorization(), minted.response.metadata().id());
  REQUIRE(after_restart.ok());
  CHECK(after_restart.response.token().has_last_used_at());
}

TEST_CASE("with WARDEN_TRACK_LAST_USED=false no use is recorded", "[last_used]") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()},
                        {"WARDEN_TRACK_LAST_USED", "false"},
                        {"WARDEN_LAST_USED_FLUSH_INTERVAL", "100ms"}});
  server.Start();
  ApiClient api(server.channel());
  auto minted = api.Generate(server.AdminAuthorization(), "untracked", {"Analyst"});
  REQUIRE(minted.ok());
  REQUIRE(api.AuthStatus(Bearer(minted.response.token())).ok());
  // A graceful stop would write anything pending (see above): afterwards, nothing is.
  CHECK(server.Stop() == 0);
  server.Start();
  auto got = api.Get(server.AdminAuthorization(), minted.response.metadata().id());
  REQUIRE(got.ok());
  CHECK_FALSE(got.response.token().has_last_used_at());
}

TEST_CASE("uses recorded while PostgreSQL is down are written once it is back", "[last_used]") {
  PostgresInstance postgres;
  WardenProcess server(
      {{"WARDEN_DATABASE_URL", postgres.url()}, {"WARDEN_LAST_USED_FLUSH_INTERVAL", "100ms"}});
  server.Start();
  ApiClient api(server.channel());
  const std::string admin = server.AdminAuthorization();
  auto minted = api.Generate(admin, "used during the outage", {"Analyst"});
  REQUIRE(minted.ok());

  postgres.Stop();
  REQUIRE(api.AuthStatus(Bearer(minted.response.token())).ok());  // validation needs no database
  REQUIRE(server.WaitForLog("writing last-used times failed", 1, absl::Seconds(30)));
  postgres.Start();
  CHECK(WaitForLastUsed(api, admin, minted.response.metadata().id(), absl::Seconds(60)));
  CHECK(server.WaitForLog("writing last-used times works again", 1, absl::Seconds(30)));
}

}  // namespace
}  // namespace warden::testing
