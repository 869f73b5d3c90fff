// End to end: work queued for the database on behalf of a client that has stopped waiting is
// never run: the storage executor drops it, told by the gRPC adapter's call scope.

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/lock_wait.h"
#include "tests/support/test_database.h"
#include "warden/v1/token.grpc.pb.h"

namespace warden::testing {
namespace {

TEST_CASE("a revoke whose client gave up while it waited for the database is never run") {
  TestDatabase database;
  WardenProcess server(
      {{"WARDEN_DATABASE_URL", database.url()}, {"WARDEN_DATABASE_POOL_SIZE", "1"}});
  server.Start();
  ApiClient api(server.channel());
  const std::string admin = server.AdminAuthorization();
  auto minted = api.Generate(admin, "kept", {"Analyst"});
  REQUIRE(minted.ok());
  const std::string id = minted.response.metadata().id();

  // The pool's one connection waits behind the test's lock on the table, holding up the queue.
  pqxx::connection holder(database.url());
  pqxx::work lock(holder);
  lock.exec("LOCK TABLE tokens IN ACCESS EXCLUSIVE MODE");
  std::future<Reply<v1::GetTokenResponse>> busy =
      std::async(std::launch::async, [&] { return api.Get(admin, id); });
  pqxx::connection observer(database.url());
  AwaitLockWait(observer);

  auto stub = v1::TokenService::NewStub(server.channel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  context.AddMetadata("authorization", admin);
  v1::RevokeTokenRequest request;
  request.set_id(id);
  v1::RevokeTokenResponse response;
  CHECK(stub->RevokeToken(&context, request, &response).error_code() ==
        grpc::StatusCode::DEADLINE_EXCEEDED);
  // A call on the same connection after it: the server has read the revoke's cancellation
  // (HTTP/2 keeps the order) before it answers this.
  REQUIRE(api.AuthStatus(admin).ok());

  lock.commit();
  REQUIRE(busy.get().ok());
  // Queued after the revoke, so answered after the executor took it (one connection, FIFO).
  auto after = api.Get(admin, id);
  REQUIRE(after.ok());
  CHECK_FALSE(after.response.token().revoked());
}

}  // namespace
}  // namespace warden::testing
