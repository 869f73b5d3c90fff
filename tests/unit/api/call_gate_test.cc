// CallGate without a transport: readiness, password budgets per (network, user), the
// permission table, and the GenerateToken rate per chain root, with a fake clock (no
// sleeping: time moves when the test says so).

#include "server/api/call_gate.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "tests/support/captured.h"
#include "tests/unit/auth/token_fixture.h"

namespace warden {
namespace {

using testing::MakeRole;

constexpr char kHome[] = "ipv4:10.0.0.1:5000";
constexpr char kElsewhere[] = "ipv4:10.0.0.2:5000";

std::string Basic(const std::string& user_password) {
  return "Basic " + absl::Base64Escape(user_password);
}

class GateFixture : public testing::TokenFixture {
 public:
  GateFixture()
      : authenticator_(validator_, AdminPassword::FromPlaintext("s3cret")),
        gate_(authenticator_, roles_, Limits(), clock_) {
    roles_.Replace(
        {MakeRole(kAdminRoleName,
                  {{"Access", Access::kReadWrite}, {"Integration", Access::kReadWrite}}),
         MakeRole("Analyst", {{"Alert", Access::kRead}}),
         MakeRole("Minter", {{"Access", Access::kRead}, {"Integration", Access::kReadWrite}}),
         MakeRole(kNoneRoleName, {})});
    gate_.SetReady();
  }

  // Two GenerateToken calls at once per root, then one a minute; three wrong passwords per
  // (network, user), then one a minute.
  static AbuseLimits Limits() {
    AbuseLimits limits;
    limits.generate.rate = 1.0 / 60;
    limits.generate.burst = 2;
    limits.auth_failures.rate = 1.0 / 60;
    limits.auth_failures.burst = 3;
    return limits;
  }

  // A Warden token holding `roles`, minted by a token whose chain starts at `root` (empty:
  // its own root).
  std::string Token(std::vector<std::string> roles, const std::string& root = "") {
    jose::JwtClaims claims = Claims(std::move(roles));
    claims.root = root;
    return "Bearer " + Mint(claims);
  }

  // What the gate answers; it must answer exactly once, and inline for these credentials.
  absl::StatusOr<Identity> Admit(const std::string& authorization, Method method,
                                 const std::string& peer = kHome) {
    testing::Captured<absl::StatusOr<Identity>> admitted;
    gate_.Admit(CallCredentials{{authorization}, peer}, method, admitted.Callback());
    REQUIRE(admitted.calls() == 1);
    return admitted.value();
  }
  absl::StatusCode Code(const std::string& authorization, Method method,
                        const std::string& peer = kHome) {
    return Admit(authorization, method, peer).status().code();
  }

  Authenticator authenticator_;
  CallGate gate_;
};

TEST_CASE_METHOD(GateFixture, "every call is UNAVAILABLE until the server is ready") {
  CallGate starting(authenticator_, roles_, Limits(), clock_);
  CallCredentials call{{Basic("admin:s3cret")}, kHome};
  testing::Captured<absl::StatusOr<Identity>> admitted;
  starting.Admit(call, Method::kListRoles, admitted.Callback());
  REQUIRE(admitted.calls() == 1);
  CHECK(admitted.value().status().code() == absl::StatusCode::kUnavailable);
  CHECK(admitted.value().status().message() ==
        "warden is starting: waiting for the database; retry shortly");
  CHECK(starting.AdmitInline(call, Method::kListRoles).status().code() ==
        absl::StatusCode::kUnavailable);
  CHECK(starting.CheckReady().code() == absl::StatusCode::kUnavailable);

  // Wrong passwords sent meanwhile are not even checked, so they spend no budget.
  for (int i = 0; i < 5; ++i) {
    starting.Admit(CallCredentials{{Basic("admin:wrong")}, kHome}, Method::kListRoles,
                   admitted.Callback());
  }
  starting.SetReady();
  CHECK(starting.CheckReady().ok());
  starting.Admit(call, Method::kListRoles, admitted.Callback());
  REQUIRE(admitted.value().ok());
  CHECK(admitted.value()->Principal() == "user:admin");
}

TEST_CASE_METHOD(GateFixture,
                 "wrong passwords lock out that user from that network, and nobody else") {
  for (int i = 0; i < 3; ++i) {
    CHECK(Code(Basic("admin:guess"), Method::kListRoles) == absl::StatusCode::kUnauthenticated);
  }
  // The budget is spent: not even the right password is checked from this network (any port).
  absl::StatusOr<Identity> locked =
      Admit(Basic("admin:s3cret"), Method::kListRoles, "ipv4:10.0.0.1:6000");
  CHECK(locked.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(locked.status().message() ==
        "too many failed authentications for this user from this address; retry later");

  // Another network, a token from the same network, another user name: unaffected.
  CHECK(Admit(Basic("admin:s3cret"), Method::kListRoles, kElsewhere).ok());
  CHECK(Admit(Token({"Minter"}), Method::kListRoles).ok());
  CHECK(Code(Basic("root:guess"), Method::kListRoles) == absl::StatusCode::kUnauthenticated);

  // The budget refills with time.
  clock_.Advance(absl::Seconds(61));
  CHECK(Admit(Basic("admin:s3cret"), Method::kListRoles).ok());
}

TEST_CASE_METHOD(GateFixture, "an IPv6 client's budget is its /64") {
  for (int i = 0; i < 3; ++i) {
    CHECK(Code(Basic("admin:guess"), Method::kListRoles, "ipv6:[2001:db8::1]:443") ==
          absl::StatusCode::kUnauthenticated);
  }
  CHECK(Code(Basic("admin:s3cret"), Method::kListRoles, "ipv6:[2001:db8::2]:443") ==
        absl::StatusCode::kResourceExhausted);
  CHECK(Code(Basic("admin:s3cret"), Method::kListRoles, "ipv6:[2001:db8:0:1::1]:443") ==
        absl::StatusCode::kOk);
}

TEST_CASE_METHOD(GateFixture,
                 "GenerateToken is rate limited per chain root: tokens minted by a token share "
                 "its budget") {
  const std::string first = Token({"Minter"}, "user:admin");
  const std::string second = Token({"Minter"}, "user:admin");
  const std::string own_root = Token({"Minter"});

  CHECK(Code(first, Method::kGenerateToken) == absl::StatusCode::kOk);
  CHECK(Code(second, Method::kGenerateToken) == absl::StatusCode::kOk);
  absl::StatusOr<Identity> limited = Admit(first, Method::kGenerateToken);
  CHECK(limited.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(limited.status().message() == "too many GenerateToken calls by this identity; retry later");
  // The admin is the root of both chains, so it shares their budget too.
  CHECK(Code(Basic("admin:s3cret"), Method::kGenerateToken) ==
        absl::StatusCode::kResourceExhausted);
  // Another root has its own; and other methods spend none.
  CHECK(Code(own_root, Method::kGenerateToken) == absl::StatusCode::kOk);
  CHECK(Code(first, Method::kListTokens) == absl::StatusCode::kOk);

  clock_.Advance(absl::Seconds(61));
  CHECK(Code(second, Method::kGenerateToken) == absl::StatusCode::kOk);
  CHECK(Code(first, Method::kGenerateToken) == absl::StatusCode::kResourceExhausted);
}

TEST_CASE_METHOD(GateFixture,
                 "a caller without a method's permissions is told which ones it lacks") {
  const std::string analyst = Token({"Analyst"});
  absl::StatusOr<Identity> denied = Admit(analyst, Method::kRevokeToken);
  CHECK(denied.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(denied.status().message() ==
        "TokenService.RevokeToken is not allowed: missing Integration (needs READ_WRITE_ACCESS, "
        "has NO_ACCESS)");
  // A stream's set-up, answered inline, hears the same.
  CHECK(gate_.AdmitInline(CallCredentials{{analyst}, kHome}, Method::kRevokeToken).status() ==
        denied.status());
  CHECK(Admit(analyst, Method::kGenerateToken).status().message() ==
        "TokenService.GenerateToken is not allowed: missing Access (needs READ_ACCESS, has "
        "NO_ACCESS), Integration (needs READ_WRITE_ACCESS, has NO_ACCESS)");

  // Permissions are resolved at each call: a role edit applies to existing tokens at once.
  roles_.Replace(
      {MakeRole("Analyst", {{"Alert", Access::kRead}, {"Integration", Access::kReadWrite}})});
  CHECK(Admit(analyst, Method::kRevokeToken).ok());
}

TEST_CASE_METHOD(GateFixture, "a method with no requirements admits any valid identity") {
  const std::string nobody = Token({kNoneRoleName});
  for (Method method : {Method::kGetAuthStatus, Method::kValidateToken}) {
    absl::StatusOr<Identity> admitted = Admit(nobody, method);
    REQUIRE(admitted.ok());
    CHECK(admitted->roles == std::vector<std::string>{kNoneRoleName});
  }
  CHECK(Code(nobody, Method::kListRoles) == absl::StatusCode::kPermissionDenied);
  // But it must be valid.
  CHECK(Code("Bearer not.a.jwt", Method::kGetAuthStatus) == absl::StatusCode::kUnauthenticated);
  jose::JwtClaims revoked = Claims({kNoneRoleName});
  revocations_.Add(revoked.id, revoked.expires_at);
  CHECK(Admit("Bearer " + Mint(revoked), Method::kGetAuthStatus).status().message() ==
        "token has been revoked");
}

}  // namespace
}  // namespace warden
