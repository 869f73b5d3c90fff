#include "server/oidc/claims.h"

#include <catch2/catch.hpp>

namespace warden::oidc {
namespace {

using Json = nlohmann::json;
using Flat = std::map<std::string, std::vector<std::string>>;

TEST_CASE("FlattenClaims: dotted keys, arrays as values, scalars as text", "[claims]") {
  const Json claims = Json::parse(R"({
    "sub": "system:serviceaccount:ci:builder",
    "aud": ["warden", "other"],
    "exp": 1700000000,
    "ratio": 1.5,
    "negative": -3,
    "admin": true,
    "disabled": false,
    "nothing": null,
    "empty": "",
    "kubernetes.io": {
      "namespace": "ci",
      "pod": {"name": "builder-7f9", "uid": "8c1f"},
      "serviceaccount": {"name": "builder"}
    },
    "groups": [{"name": "a"}, {"name": "b", "id": 2}],
    "matrix": [["x", "y"], ["z"]],
    "hollow": {},
    "void": []
  })");
  const Flat expected = {
      {"sub", {"system:serviceaccount:ci:builder"}},
      {"aud", {"warden", "other"}},
      {"exp", {"1700000000"}},
      {"ratio", {"1.5"}},
      {"negative", {"-3"}},
      {"admin", {"true"}},
      {"disabled", {"false"}},
      {"empty", {""}},
      {"kubernetes.io.namespace", {"ci"}},
      {"kubernetes.io.pod.name", {"builder-7f9"}},
      {"kubernetes.io.pod.uid", {"8c1f"}},
      {"kubernetes.io.serviceaccount.name", {"builder"}},
      {"groups.name", {"a", "b"}},
      {"groups.id", {"2"}},
      {"matrix", {"x", "y", "z"}},
  };
  CHECK(FlattenClaims(claims) == expected);
}

TEST_CASE("FlattenClaims of a non-object is empty", "[claims]") {
  CHECK(FlattenClaims(Json::array({1, 2})).empty());
  CHECK(FlattenClaims(Json("text")).empty());
  CHECK(FlattenClaims(Json()).empty());
}

TEST_CASE("FlattenClaims is bounded: what exceeds the limits is left out", "[claims]") {
  FlattenLimits limits;
  limits.max_depth = 2;
  limits.max_keys = 3;
  limits.max_values = 5;

  Json deep = {{"a", {{"b", {{"c", {{"d", "too deep"}}}}}, {"x", "kept"}}}};
  CHECK(FlattenClaims(deep, limits) == Flat{{"a.x", {"kept"}}});

  Json many = {{"k1", 1}, {"k2", 2}, {"k3", 3}, {"k4", 4}};
  CHECK(FlattenClaims(many, limits) == Flat{{"k1", {"1"}}, {"k2", {"2"}}, {"k3", {"3"}}});

  Json values = {{"list", {1, 2, 3, 4, 5, 6, 7}}};
  CHECK(FlattenClaims(values, limits) == Flat{{"list", {"1", "2", "3", "4", "5"}}});

  // The default limits keep a huge claim set from growing without bound.
  Json huge = Json::object();
  for (int i = 0; i < 5000; ++i) huge["k" + std::to_string(i)] = {i, i + 1};
  const Flat flat = FlattenClaims(huge);
  size_t count = 0;
  for (const auto& [key, list] : flat) count += list.size();
  CHECK(flat.size() <= 256);
  CHECK(count <= 1024);
}

}  // namespace
}  // namespace warden::oidc
