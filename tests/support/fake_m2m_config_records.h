#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "domain/m2m.h"
#include "storage/m2m_config_records.h"
#include "tests/support/fake_replies.h"
#include "validation/role_view.h"

namespace warden::testing {

// storage::M2mConfigRecords in memory, for unit tests of the M2M use cases. Keeps the
// interface's rules: ALREADY_EXISTS for a second configuration of one issuer;
// INVALID_ARGUMENT naming mapped roles that do not exist; NOT_FOUND for an unknown id;
// revision 1 on Add, raised by every Update; and the writer's check on the caller's roles
// and the mapped ones, nothing stored when it refuses. Roles are read from `roles` (a
// test's role view stands in for the role tables). Ids are not checked to be UUIDs.
// Answers inline unless held; see FakeReplies for failures (method names "List", "Get",
// "Add", "Update", "Delete").
class FakeM2mConfigRecords final : public storage::M2mConfigRecords, public FakeReplies {
 public:
  template <typename T>
  using Done = storage::Done<T>;
  using StatusDone = storage::StatusDone;

  // `roles` must outlive the fake.
  explicit FakeM2mConfigRecords(const RoleView& roles) : roles_(roles) {}

  void List(Done<std::vector<M2mConfig>> done) override;
  void Get(std::string id, Done<M2mConfig> done) override;
  void Add(M2mConfig config, storage::RoleWriter writer, Done<M2mConfig> done) override;
  void Update(M2mConfig config, storage::RoleWriter writer, Done<M2mConfig> done) override;
  void Delete(std::string id, StatusDone done) override;

  // Every stored configuration, by id.
  std::vector<M2mConfig> configs() const;

 private:
  // The checks a write runs before storing `config` (whose id is its own when updating).
  absl::Status CheckWrite(const M2mConfig& config, const storage::RoleWriter& writer) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RoleView& roles_;
  std::map<std::string, M2mConfig> configs_ ABSL_GUARDED_BY(mu_);  // by id
};

}  // namespace warden::testing
