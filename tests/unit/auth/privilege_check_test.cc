#include "server/auth/privilege_check.h"

#include <catch2/catch.hpp>

#include "tests/unit/auth/role_fixtures.h"

namespace warden {
namespace {

using testing::MakeRole;
using testing::Scope;

const Role kImageReadWrite =
    MakeRole("CI", {{"Image", Access::kReadWrite}, {"Detection", Access::kRead}});
const Role kImageRead = MakeRole("Image Reader", {{"Image", Access::kRead}});
const Role kAlertRead = MakeRole("Alert Reader", {{"Alert", Access::kRead}});
const Role kAlertAndImage =
    MakeRole("Alert+Image", {{"Alert", Access::kRead}, {"Image", Access::kRead}});

TEST_CASE("an identical role is allowed") {
  CHECK(FindEscalations({&kImageReadWrite}, {&kImageReadWrite}).empty());
}

TEST_CASE("a subset of the held permissions is allowed") {
  CHECK(FindEscalations({&kImageReadWrite}, {&kImageRead}).empty());
}

TEST_CASE("a role covered only by the union of two held roles is allowed") {
  CHECK(FindEscalations({&kImageRead, &kAlertRead}, {&kAlertAndImage}).empty());
  CHECK_FALSE(FindEscalations({&kImageRead}, {&kAlertAndImage}).empty());
}

TEST_CASE("unrestricted READ_WRITE may create a scoped READ role") {
  Role scoped_read = MakeRole("Scoped", {{"Image", Access::kRead}}, Scope("team-a"));
  CHECK(FindEscalations({&kImageReadWrite}, {&scoped_read}).empty());
}

TEST_CASE("a caller with no roles may grant nothing") {
  std::vector<PrivilegeEscalation> found = FindEscalations({}, {&kImageRead});
  REQUIRE(found.size() == 1);
  CHECK(found[0].resource == "Image");
  CHECK(found[0].held == Access::kNoAccess);
  CHECK(found[0].requested == Access::kRead);
}

TEST_CASE("READ may not request READ_WRITE") {
  std::vector<PrivilegeEscalation> found = FindEscalations({&kImageRead}, {&kImageReadWrite});
  REQUIRE(found.size() == 2);  // Detection (none held) and Image (READ held)
  CHECK(found[0].resource == "Detection");
  CHECK(found[1].resource == "Image");
  CHECK(found[1].requested == Access::kReadWrite);
  CHECK(found[1].held == Access::kRead);
  CHECK(found[1].scope == "Unrestricted");
}

TEST_CASE("a scoped READ_WRITE may not request an unrestricted READ_WRITE") {
  Role scoped_rw = MakeRole("Scoped RW", {{"Image", Access::kReadWrite}}, Scope("team-a"));
  Role unrestricted_rw = MakeRole("RW", {{"Image", Access::kReadWrite}});
  std::vector<PrivilegeEscalation> found = FindEscalations({&scoped_rw}, {&unrestricted_rw});
  REQUIRE(found.size() == 1);
  CHECK(found[0].scope == "Unrestricted");
  CHECK(found[0].held == Access::kNoAccess);
}

TEST_CASE("a scoped role does not cover a different scope") {
  Role a = MakeRole("A", {{"Image", Access::kReadWrite}}, Scope("team-a"));
  Role b = MakeRole("B", {{"Image", Access::kRead}}, Scope("team-b"));
  CHECK_FALSE(FindEscalations({&a}, {&b}).empty());
  CHECK(FindEscalations({&a}, {&a}).empty());
}

TEST_CASE("the denial lists every offending resource with scope and levels") {
  Role wants = MakeRole("Wants", {{"Image", Access::kReadWrite}, {"Alert", Access::kRead}});
  absl::Status denied = CheckNoEscalation({&kImageRead}, {&wants});
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  std::string message(denied.message());
  CHECK_THAT(message, Catch::Contains(
                          "Alert in scope Unrestricted (requested READ_ACCESS, held NO_ACCESS)"));
  CHECK_THAT(message,
             Catch::Contains(
                 "Image in scope Unrestricted (requested READ_WRITE_ACCESS, held READ_ACCESS)"));
  CHECK(CheckNoEscalation({&kImageReadWrite}, {&kImageRead}).ok());
}

TEST_CASE("holding a role in a scope does not cover the same scope once its rules widen") {
  AccessScope staging = Scope("staging");
  staging.id = "scope-1";
  staging.rules.clusters = {"staging"};
  AccessScope widened = staging;
  widened.rules.clusters.push_back("production");
  Role held = MakeRole("Staging images", {{"Image", Access::kReadWrite}}, staging);
  Role after = MakeRole("Staging images", {{"Image", Access::kReadWrite}}, widened);
  CHECK(FindEscalations({&held}, {&held}).empty());
  CHECK_FALSE(FindEscalations({&held}, {&after}).empty());
}

TEST_CASE("CheckRolesGrantable names each role that grants more than the caller holds") {
  Role within = MakeRole("Within", {{"Image", Access::kRead}});
  Role beyond = MakeRole("Beyond", {{"Secret", Access::kRead}});
  CHECK(CheckRolesGrantable({kImageReadWrite}, {within}).ok());
  absl::Status denied = CheckRolesGrantable({kImageReadWrite}, {within, beyond});
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  std::string message(denied.message());
  CHECK_THAT(message, Catch::Contains("role Beyond: Secret in scope Unrestricted (requested "
                                      "READ_ACCESS, held NO_ACCESS)"));
  CHECK_THAT(message, !Catch::Contains("role Within"));
}

}  // namespace
}  // namespace warden
