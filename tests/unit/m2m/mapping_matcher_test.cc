#include "server/m2m/mapping_matcher.h"

#include <catch2/catch.hpp>

namespace warden {
namespace {

TEST_CASE("an expression must match the whole claim value") {
  MappingMatcher matcher({{"repository", "org/repo", "Continuous Integration"}});
  CHECK(matcher.Roles({{"repository", {"org/repo"}}}) ==
        std::vector<std::string>{"Continuous Integration"});
  CHECK(matcher.Roles({{"repository", {"org/repo-evil"}}}).empty());
  CHECK(matcher.Roles({{"repository", {"evil/org/repo"}}}).empty());
  CHECK(matcher.Roles({{"other", {"org/repo"}}}).empty());
}

TEST_CASE("the roles of every matching mapping are granted, once each") {
  MappingMatcher matcher({{"repository_owner", "org", "Analyst"},
                          {"ref", "refs/heads/(main|release-.*)", "Continuous Integration"},
                          {"ref", "refs/heads/main", "Analyst"},
                          {"groups", "admins", "Admin"}});
  FlatClaims claims{{"repository_owner", {"org"}},
                    {"ref", {"refs/heads/release-1.2"}},
                    {"groups", {"devs", "admins"}}};
  CHECK(matcher.Roles(claims) ==
        std::vector<std::string>{"Admin", "Analyst", "Continuous Integration"});
  CHECK(matcher.Roles({{"ref", {"refs/heads/feature"}}}).empty());
}

}  // namespace
}  // namespace warden
