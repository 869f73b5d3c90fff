#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/auth_provider.h"
#include "storage/auth_provider_records.h"
#include "tests/support/fake_replies.h"
#include "validation/role_view.h"

namespace warden::testing {

// storage::AuthProviderRecords in memory, for unit tests of the provider use cases. Keeps the
// interface's rules with AuthProviderStore's messages: ALREADY_EXISTS for a name or an
// issuer+client id another provider has; INVALID_ARGUMENT naming granted roles that do not
// exist; NOT_FOUND for an unknown id; FAILED_PRECONDITION for Update or Delete of a
// declarative provider; INVALID_ARGUMENT for a new name; revision 1 on Add, raised by an
// Update unless SessionsSurvive(stored, new); and the writer's check on the caller's roles
// and the granted ones (rules' and minimum role, each once), nothing stored when it refuses.
// Roles are read from `roles` (a test's role view stands in for the role tables). Ids are
// not checked to be UUIDs. Answers inline unless held; see FakeReplies for failures (method
// names "List", "Get", "Add", "Update", "Delete").
class FakeAuthProviderRecords final : public storage::AuthProviderRecords, public FakeReplies {
 public:
  template <typename T>
  using Done = storage::Done<T>;
  using StatusDone = storage::StatusDone;

  // `roles` must outlive the fake.
  explicit FakeAuthProviderRecords(const RoleView& roles) : roles_(roles) {}

  void List(Done<std::vector<AuthProvider>> done) override;
  void Get(std::string id, Done<AuthProvider> done) override;
  void Add(AuthProvider provider, storage::RoleWriter writer, Done<AuthProvider> done) override;
  void Update(AuthProvider provider, storage::RoleWriter writer, Done<AuthProvider> done) override;
  void Delete(std::string id, StatusDone done) override;

  // Stores `provider` as the declarative configuration would (origin kDeclarative, a new id,
  // revision 1), without checks, and returns it.
  AuthProvider AddDeclarative(AuthProvider provider);
  // Every stored provider, ordered by name.
  std::vector<AuthProvider> providers() const;

 private:
  // The checks a write runs before storing `provider` (whose id is its own when updating).
  absl::Status CheckWrite(const AuthProvider& provider, const storage::RoleWriter& writer) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::vector<AuthProvider> SortedLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RoleView& roles_;
  std::map<std::string, AuthProvider> providers_ ABSL_GUARDED_BY(mu_);  // by id
};

// storage::SignInStateRecords in memory: ALREADY_EXISTS "this sign-in was already completed or
// tried: start again" for a state marked before; prunes, on each MarkUsed, the states that
// expired longer than kPruneGrace before `clock`'s now (never the one being marked), as
// SignInStateStore does. Answers inline unless held; method name "MarkUsed".
class FakeSignInStateRecords final : public storage::SignInStateRecords, public FakeReplies {
 public:
  static constexpr absl::Duration kPruneGrace = absl::Minutes(5);

  // `clock` must outlive the fake.
  explicit FakeSignInStateRecords(const Clock& clock) : clock_(clock) {}

  void MarkUsed(std::string state_id, absl::Time expires_at, storage::StatusDone done) override;

  // The states kept, by id.
  std::map<std::string, absl::Time> states() const;

 private:
  const Clock& clock_;
  std::map<std::string, absl::Time> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden::testing
