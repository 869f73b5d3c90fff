#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "domain/auth_provider.h"
#include "storage/callbacks.h"
#include "storage/role_writer.h"

namespace warden::storage {

// Auth providers (SPEC §6a), as the provider use cases (AuthProviderAuthority) read and
// write them. An interface so that those rules can be tested without a database:
// storage::AuthProviderStore keeps them in PostgreSQL; tests use an in-memory fake
// (tests/support/fake_auth_provider_records.h).
//
// Answers as storage/callbacks.h says. Writes commit before done(OK) and reach the other
// replicas (NOTIFY). Validation of the contents (names, URLs, expressions) happens above
// storage; storage enforces what needs the stored state:
// - a name or an issuer+client id already used by another provider: ALREADY_EXISTS naming it;
// - a rule or the minimum role naming a role that does not exist: INVALID_ARGUMENT naming
//   every such role (and a role used by a provider cannot be deleted: RoleStore names the
//   providers using it, FAILED_PRECONDITION);
// - unknown id: NOT_FOUND "auth provider <id> not found"; an id that is not a UUID:
//   INVALID_ARGUMENT;
// - Update and Delete of a provider whose origin is not kApi: FAILED_PRECONDITION
//   "auth provider <name> is managed by the declarative configuration";
// - Update never changes the name: a different name is INVALID_ARGUMENT "an auth provider's
//   name cannot change".
// Thread-safe.
class AuthProviderRecords {
 public:
  virtual ~AuthProviderRecords() = default;

  // Every provider, ordered by name, rules in their given order.
  virtual void List(Done<std::vector<AuthProvider>> done) = 0;
  virtual void Get(std::string id, Done<AuthProvider> done) = 0;
  // Stores `provider` under a new id (provider.id, revision and origin are ignored; origin
  // kApi) and returns it as stored, with revision 1. `writer` checks the roles the rules and
  // the minimum role grant (RoleWriter::changed gets them) inside the write's transaction.
  virtual void Add(AuthProvider provider, RoleWriter writer, Done<AuthProvider> done) = 0;
  // Replaces the provider with provider.id, rules included. Raises the revision by one
  // unless SessionsSurvive(stored, provider) (domain/auth_provider.h), compared inside the
  // transaction against the stored row.
  virtual void Update(AuthProvider provider, RoleWriter writer, Done<AuthProvider> done) = 0;
  virtual void Delete(std::string id, StatusDone done) = 0;
};

// The `state`s of sign-ins that were completed (or tried), so that each works once on every
// replica. A state is a signed value (server/signin) with its own id and expiry; only the id
// and expiry are kept, and rows are forgotten once the state has expired.
class SignInStateRecords {
 public:
  virtual ~SignInStateRecords() = default;

  // Records that the state `state_id` is used. ALREADY_EXISTS when it was used before (a
  // replay). Expired rows are pruned as a side effect, now and then.
  virtual void MarkUsed(std::string state_id, absl::Time expires_at, StatusDone done) = 0;
};

}  // namespace warden::storage
