// End to end: the server against a private PostgreSQL that the test stops and starts.

#include <catch2/catch.hpp>

#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/postgres_instance.h"

namespace warden::testing {
namespace {

// Retries `call` while it answers UNAVAILABLE, as a client following Warden's advice would,
// for at most `attempts` tries spaced by gRPC's own connection backoff.
template <typename Call>
auto RetryWhileUnavailable(Call call, int attempts = 60) {
  auto reply = call();
  for (int i = 1; i < attempts && reply.code() == grpc::StatusCode::UNAVAILABLE; ++i) {
    absl::SleepFor(absl::Milliseconds(250));  // a client's retry backoff, not synchronisation
    reply = call();
  }
  return reply;
}

TEST_CASE("PostgreSQL stopped mid-run: UNAVAILABLE, then the server recovers by itself") {
  PostgresInstance postgres;
  WardenProcess server({{"WARDEN_DATABASE_URL", postgres.url()}});
  server.Start();
  ApiClient api(server.channel());
  std::string admin = server.AdminAuthorization();
  auto minted = api.Generate(admin, "before", {"Analyst"});
  REQUIRE(minted.ok());

  postgres.Stop();
  auto during = api.Generate(admin, "during", {"Analyst"});
  CHECK(during.code() == grpc::StatusCode::UNAVAILABLE);
  CHECK_THAT(during.message(), Catch::Contains("database"));
  CHECK(api.Get(admin, minted.response.metadata().id()).code() == grpc::StatusCode::UNAVAILABLE);
  // Validation needs no database: existing tokens keep working.
  CHECK(api.AuthStatus(Bearer(minted.response.token())).ok());

  postgres.Start();
  auto after = RetryWhileUnavailable([&] { return api.Generate(admin, "after", {"Analyst"}); });
  INFO(after.message());
  REQUIRE(after.ok());
  CHECK(api.Get(admin, after.response.metadata().id()).ok());
  CHECK(server.HealthStatus() == "SERVING");
}

TEST_CASE("PostgreSQL unreachable at start: NOT_SERVING until it comes up") {
  PostgresInstance postgres;
  postgres.Stop();
  WardenProcess server({{"WARDEN_DATABASE_URL", postgres.url()}});
  server.Start(/*wait_serving=*/false);
  CHECK_FALSE(server.WaitServing(absl::Seconds(2)));
  CHECK(server.HealthStatus() == "NOT_SERVING");
  ApiClient api(server.channel());
  CHECK(api.AuthStatus("Bearer x").code() == grpc::StatusCode::UNAVAILABLE);

  postgres.Start();
  REQUIRE(server.WaitServing(absl::Seconds(30)));
  CHECK(api.AuthStatus(server.AdminAuthorization()).ok());
}

}  // namespace
}  // namespace warden::testing
