// The role commands' flag values (--grant, --namespace, --cluster), formatting, and finding
// objects by name or id.

#include "client/wardenctl/role_support.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"

namespace warden::cli {
namespace {

std::string Error(const absl::Status& status) {
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

TEST_CASE("access levels: the enum's names and short forms, any case") {
  for (const char* text : {"READ_ACCESS", "read_access", "read", "READ", "r", "Read-Access",
                           "ACCESS_LEVEL_READ_ACCESS"}) {
    INFO(text);
    CHECK(ParseAccessLevel(text) == v1::ACCESS_LEVEL_READ_ACCESS);
  }
  for (const char* text : {"READ_WRITE_ACCESS", "read-write", "read_write", "RW", "Read-Write"}) {
    INFO(text);
    CHECK(ParseAccessLevel(text) == v1::ACCESS_LEVEL_READ_WRITE_ACCESS);
  }
  for (const char* text : {"NO_ACCESS", "none", "None", "no-access"}) {
    INFO(text);
    CHECK(ParseAccessLevel(text) == v1::ACCESS_LEVEL_NO_ACCESS);
  }
  for (const char* text :
       {"", "write", "ACCESS_LEVEL_UNSPECIFIED", "read write", "2", "readwrite"}) {
    INFO(text);
    CHECK_FALSE(ParseAccessLevel(text).has_value());
  }
}

TEST_CASE("grant values are RESOURCE=LEVEL") {
  auto grant = ParseGrant("Integration=read-write");
  REQUIRE(grant.ok());
  CHECK(grant->resource == "Integration");
  CHECK(grant->level == v1::ACCESS_LEVEL_READ_WRITE_ACCESS);
  CHECK(ParseGrant("Image=READ_ACCESS")->level == v1::ACCESS_LEVEL_READ_ACCESS);

  CHECK(Error(ParseGrant("Image").status()) ==
        "--grant \"Image\" must be RESOURCE=LEVEL, e.g. Image=READ_ACCESS or Image=read");
  CHECK(Error(ParseGrant("=read").status()).find("must be RESOURCE=LEVEL") != std::string::npos);
  CHECK(Error(ParseGrant("Image=write").status()) ==
        "--grant \"Image=write\": the access level \"write\" is not READ_ACCESS, "
        "READ_WRITE_ACCESS or NO_ACCESS (or read, read-write, none)");
  CHECK(Error(ParseGrant("Image=").status()).find("the access level \"\"") != std::string::npos);
  CHECK(ParseGrant("Image=read=x").status().code() == absl::StatusCode::kInvalidArgument);

  auto grants = ParseGrants({"Access=READ_ACCESS", "Integration=rw", "Image=none"});
  REQUIRE(grants.ok());
  CHECK(*grants == std::map<std::string, v1::AccessLevel>{
                       {"Access", v1::ACCESS_LEVEL_READ_ACCESS},
                       {"Image", v1::ACCESS_LEVEL_NO_ACCESS},
                       {"Integration", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}});
  CHECK(ParseGrants({})->empty());
  CHECK(Error(ParseGrants({"Image=read", "Image=rw"}).status()) ==
        "--grant names resource \"Image\" twice");
  CHECK(Error(ParseGrants({"Image=read", "bad"}).status()).find("\"bad\"") != std::string::npos);
}

TEST_CASE("namespace values are CLUSTER/NS, and cluster values are non-empty and distinct") {
  auto ref = ParseNamespace("prod-us/payments");
  REQUIRE(ref.ok());
  CHECK(ref->cluster() == "prod-us");
  CHECK(ref->namespace_() == "payments");
  CHECK(FormatNamespace(*ref) == "prod-us/payments");
  // Split at the last '/': a cluster name may hold one, a namespace never does.
  auto nested = ParseNamespace("eu/prod/payments");
  REQUIRE(nested.ok());
  CHECK(nested->cluster() == "eu/prod");
  CHECK(nested->namespace_() == "payments");

  for (const char* bad : {"payments", "/payments", "prod-us/", "", "/"}) {
    INFO(bad);
    CHECK(
        Error(ParseNamespace(bad).status()) ==
        absl::StrCat("--namespace \"", bad, "\" must be CLUSTER/NAMESPACE, e.g. prod-us/payments"));
  }
  auto refs = ParseNamespaces({"a/x", "a/y", "b/x"});
  REQUIRE(refs.ok());
  REQUIRE(refs->size() == 3);
  CHECK(FormatNamespace((*refs)[2]) == "b/x");
  CHECK(Error(ParseNamespaces({"a/x", "a/x"}).status()) == "--namespace \"a/x\" given twice");

  auto clusters = ParseClusters({"prod-eu", "prod-us"});
  REQUIRE(clusters.ok());
  CHECK(*clusters == std::vector<std::string>{"prod-eu", "prod-us"});
  CHECK(Error(ParseClusters({"a", "a"}).status()) == "--cluster \"a\" given twice");
  CHECK(Error(ParseClusters({""}).status()) == "--cluster must not be empty");
}

TEST_CASE("a permission set's resources: listed when few, counted when many") {
  v1::PermissionSet set;
  CHECK(SummarizePermissions(set.resource_to_access()) == "-");
  auto& access = *set.mutable_resource_to_access();
  access["Integration"] = v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  access["Image"] = v1::ACCESS_LEVEL_READ_ACCESS;
  access["Access"] = v1::ACCESS_LEVEL_READ_ACCESS;
  CHECK(SummarizePermissions(set.resource_to_access()) == "Access=R, Image=R, Integration=RW");
  access["Alert"] = v1::ACCESS_LEVEL_NO_ACCESS;
  CHECK(SummarizePermissions(set.resource_to_access()) ==
        "Access=R, Alert=none, Image=R, Integration=RW");
  access["Cluster"] = v1::ACCESS_LEVEL_READ_ACCESS;
  CHECK(SummarizePermissions(set.resource_to_access()) == "5 resources: 1 RW, 3 R, 1 none");
  CHECK(OriginName(v1::ORIGIN_BUILT_IN) == "built-in");
  CHECK(OriginName(v1::ORIGIN_API) == "api");
  CHECK(OriginName(v1::ORIGIN_DECLARATIVE) == "declarative");
}

TEST_CASE("objects are found by name first, then by id") {
  std::vector<v1::AccessScope> scopes(3);
  scopes[0].set_name("team-a");
  scopes[0].set_id("id-1");
  scopes[1].set_name("id-1");  // a name that looks like another object's id wins
  scopes[1].set_id("id-2");
  scopes[2].set_name("team-c");
  scopes[2].set_id("id-3");
  CHECK(FindByNameOrId(scopes, "team-c", "access scope")->id() == "id-3");
  CHECK(FindByNameOrId(scopes, "id-3", "access scope")->name() == "team-c");
  CHECK(FindByNameOrId(scopes, "id-1", "access scope")->id() == "id-2");
  absl::StatusOr<v1::AccessScope> missing = FindByNameOrId(scopes, "Team-C", "access scope");
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(missing.status().message() == "no access scope is named or has the id \"Team-C\"");
}

}  // namespace
}  // namespace warden::cli
