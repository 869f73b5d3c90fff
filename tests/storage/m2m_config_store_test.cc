#include "storage/m2m_config_store.h"

#include <catch2/catch.hpp>

#include "common/await.h"
#include "common/random.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

M2mConfig GithubConfig() {
  M2mConfig config;
  config.type = M2mType::kGithubActions;
  config.issuer = kGithubActionsIssuer;
  config.audiences = {"warden", "https://github.com/org"};
  config.token_lifetime = absl::Minutes(10);
  config.mappings = {{"repository", "org/repo", "Continuous Integration"},
                     {"ref", "refs/heads/main", "Analyst"}};
  return config;
}

class M2mFixture : public StorageFixture {
 public:
  M2mFixture() : store_(executor()) {}

  absl::StatusOr<M2mConfig> Add(M2mConfig config) {
    return Await<absl::StatusOr<M2mConfig>>(
        [&](auto done) { store_.Add(config, RoleWriter{}, done); });
  }
  absl::StatusOr<M2mConfig> Get(const std::string& id) {
    return Await<absl::StatusOr<M2mConfig>>([&](auto done) { store_.Get(id, done); });
  }
  absl::Status DeleteRole(const std::string& name) {
    return Await<absl::Status>([&](auto done) { roles().DeleteRole(name, TestEpoch(), done); });
  }

  M2mConfigStore store_;
};

TEST_CASE_METHOD(M2mFixture, "a config round-trips with its mappings in order") {
  absl::StatusOr<M2mConfig> added = Add(GithubConfig());
  REQUIRE(added.ok());
  CHECK(IsUuid(added->id));
  absl::StatusOr<M2mConfig> got = Get(added->id);
  REQUIRE(got.ok());
  CHECK(got->type == M2mType::kGithubActions);
  CHECK(got->issuer == kGithubActionsIssuer);
  CHECK(got->audiences == GithubConfig().audiences);
  CHECK(got->token_lifetime == absl::Minutes(10));
  CHECK(got->mappings == GithubConfig().mappings);

  M2mConfig changed = *got;
  changed.mappings = {{"sub", "repo:org/.*", "Analyst"}};
  changed.allow_any_audience = true;
  changed.audiences.clear();
  auto updated = Await<absl::StatusOr<M2mConfig>>(
      [&](auto done) { store_.Update(changed, RoleWriter{}, done); });
  REQUIRE(updated.ok());
  CHECK(Get(added->id)->mappings == changed.mappings);

  auto listed =
      Await<absl::StatusOr<std::vector<M2mConfig>>>([&](auto done) { store_.List(done); });
  REQUIRE(listed.ok());
  CHECK(listed->size() == 1);
}

TEST_CASE_METHOD(M2mFixture, "one config per issuer, known roles, known ids") {
  REQUIRE(Add(GithubConfig()).ok());
  absl::Status duplicate = Add(GithubConfig()).status();
  CHECK(duplicate.code() == absl::StatusCode::kAlreadyExists);
  CHECK_THAT(std::string(duplicate.message()), Catch::Contains(kGithubActionsIssuer));

  M2mConfig unknown_role = GithubConfig();
  unknown_role.issuer = "https://other.example.com";
  unknown_role.mappings[0].role = "Wizard";
  absl::Status unknown = Add(unknown_role).status();
  CHECK(unknown.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(unknown.message()), Catch::Contains("Wizard"));

  CHECK(Get("5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b").status().code() == absl::StatusCode::kNotFound);
  CHECK(Get("nope").status().code() == absl::StatusCode::kInvalidArgument);
  absl::Status missing = Await<absl::Status>(
      [&](auto done) { store_.Delete("5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b", done); });
  CHECK(missing.code() == absl::StatusCode::kNotFound);
}

TEST_CASE_METHOD(M2mFixture, "a role that a mapping grants cannot be deleted") {
  absl::StatusOr<M2mConfig> added = Add(GithubConfig());
  REQUIRE(added.ok());
  // A custom role, so that only the mapping holds it.
  auto set = Await<absl::StatusOr<PermissionSet>>([&](auto done) {
    permission_sets().CreatePermissionSet({"Pipeline", "", {{"Image", Access::kRead}}}, done);
  });
  REQUIRE(set.ok());
  auto role = Await<absl::StatusOr<Role>>([&](auto done) {
    roles().CreateRole({"Pipeline", "", set->id, kUnrestrictedScopeId}, RoleWriter{}, done);
  });
  REQUIRE(role.ok());
  M2mConfig with_pipeline = *added;
  with_pipeline.mappings.push_back({"workflow", "build", "Pipeline"});
  REQUIRE(Await<absl::StatusOr<M2mConfig>>([&](auto done) {
            store_.Update(with_pipeline, RoleWriter{}, done);
          }).ok());

  absl::Status in_use = DeleteRole("Pipeline");
  CHECK(in_use.code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(in_use.message()), Catch::Contains(kGithubActionsIssuer));

  REQUIRE(Await<absl::Status>([&](auto done) { store_.Delete(added->id, done); }).ok());
  CHECK(DeleteRole("Pipeline").ok());
}

}  // namespace
}  // namespace warden::storage::testing
