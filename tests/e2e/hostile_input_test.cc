// End to end: a table of hostile requests — oversized, not UTF-8, NUL bytes, SQL
// metacharacters in every string field, huge repeated fields, out-of-range numbers, piles of
// credentials, deeply nested JSON — each answered with the code a careful API user expects,
// a short message that echoes none of it, and a server that stays healthy. The rows are in
// hostile_{token,auth,role,m2m}_rows.cc; one server answers them all, in that order. The HTTP
// column (hostile_http_rows.cc) gets a server of its own.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tests/e2e/hostile_fixture.h"

namespace warden::testing {
namespace {

// The log holds no secret, no hostile payload and no sign of a crash.
void CheckLogClean(const HostileFixture& fixture) {
  const std::string log = fixture.server_.Log();
  CHECK_FALSE(absl::StrContains(log, fixture.server_.admin_password()));
  for (const std::string& token : fixture.minted_tokens_)
    CHECK_FALSE(absl::StrContains(log, token));
  CHECK_FALSE(absl::StrContains(log, std::string(64, 'Q')));
  CHECK_FALSE(absl::StrContains(log, std::string(64, 'T')));
  for (const char* crash : {"Check failed", "terminate called", "SIGSEGV", "SIGABRT", "*** "}) {
    CHECK_FALSE(absl::StrContains(log, crash));
  }
}

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

  CheckLogClean(*this);
}

// A client that sends the start of a request's header block a byte at a time, then
// nothing more: it holds one of the server's HTTP workers until the read timeout.
class SlowSender final {
 public:
  explicit SlowSender(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    for (char c : std::string("POST /warden.v1.AuthService/GetAuthStatus HTTP/1.1\r\nHost: w")) {
      REQUIRE(::send(fd_, &c, 1, MSG_NOSIGNAL) == 1);
    }
  }
  ~SlowSender() { ::close(fd_); }

  // Whether the server answers or closes the connection within `timeout`.
  bool CutOffWithin(absl::Duration timeout) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) == 1;
  }

 private:
  const int fd_;
};

// The most memory `pid` has held (VmHWM), in kB.
int64_t PeakMemoryKb(pid_t pid) {
  std::istringstream status(ReadFile("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmHWM:")) continue;
    int64_t kb = 0;
    if (absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(rest), " kB"), &kb))
      return kb;
  }
  return -1;
}

TEST_CASE_METHOD(HostileFixture,
                 "hostile HTTP requests get a clear 4xx and the server keeps serving") {
  const HttpClient http(server_.http_port());
  auto serving = [&] {
    return http.Get("/readyz").status == 200 &&
           http.Connect("/warden.v1.AuthService/GetAuthStatus", "application/json", "{}", {admin_})
                   .status == 200;
  };
  // A sender stuck in its header block does not stop the others.
  SlowSender slow(server_.http_port());
  const absl::Time slow_since = absl::Now();
  CHECK(serving());

  for (const HostileHttpRow& row : HttpRows()) {
    INFO("row: " << row.description);
    const int64_t peak_before = PeakMemoryKb(server_.pid());
    REQUIRE(peak_before > 0);
    const HttpReply reply = row.call();
    INFO("answer: " << reply.status << " " << reply.body.substr(0, 300) << reply.error);
    CHECK(reply.status == row.expected);
    CHECK((reply.status >= 400 && reply.status < 500));
    CHECK(reply.body.size() <= 512);
    if (row.ends_connection) {
      CHECK(reply.Header("connection") == "close");
      CHECK(reply.closed);
      CHECK(reply.after_close_promise.empty());
    }
    CHECK_FALSE(absl::StrContains(reply.body, "QQQQQQQQ"));
    CHECK_FALSE(absl::StrContains(reply.body, "TTTTTTTT"));
    // Bodies are capped after decompression: a bomb does not inflate in the server.
    CHECK(PeakMemoryKb(server_.pid()) - peak_before < 64 * 1024);
    CHECK(serving());
  }

  // The slow sender is cut off by the read timeout (10 s): an upper bound, not a wait.
  CHECK(slow.CutOffWithin(slow_since + absl::Seconds(15) - absl::Now()));
  CHECK(serving());
  CHECK_FALSE(absl::StrContains(server_.Log(), "canary-password-7f3a"));
  CheckLogClean(*this);
}

}  // namespace
}  // namespace warden::testing
