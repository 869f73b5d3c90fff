#pragma once

// Internal to storage/: the SQL of a token mint, shared by TokenStore (a rotation mints in its
// own transaction) and MintBatcher (GenerateToken's mints, grouped). Only storage/ and tests/
// include it.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/token.h"
#include "storage/pg/executor.h"
#include "storage/token_records.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace warden::storage {

// One mint: the row to store and what it must satisfy.
struct MintRequest {
  TokenMetadata token;
  MintConditions conditions;
};

// Registers the mint statements with `executor` (both; registering twice is harmless).
void PrepareMintStatements(StorageExecutor& executor);

// Runs warden_mint_token (migration 0014) once for `token` in `tx`: one round trip. Returns
// the mint's own answer, as TokenRecords::Insert documents it (RESOURCE_EXHAUSTED at the cap,
// ABORTED kStaleRolesMessage, UNAUTHENTICATED for a revoked creator, FAILED_PRECONDITION for
// missing roles). Throws as libpqxx does when the statement fails (duplicate id: unique
// violation), for the executor to map. Nothing is committed: in a pqxx::nontransaction the
// statement commits itself.
absl::Status MintOne(pqxx::transaction_base& tx, const TokenMetadata& token,
                     const MintConditions& conditions);

// Runs warden_mint_token once per mint of `mints`, in their order, as ONE statement in `tx`
// (one round trip, one implicit transaction in a pqxx::nontransaction). Each call sees the
// rows the calls before it inserted and re-enters the advisory locks they took, so a cap and
// the other checks hold exactly within the group as across groups. Returns one answer per
// mint, in order, each as MintOne's. Throws as libpqxx does when the statement fails as a
// whole (a duplicate id, a deadlock, a lost connection): then nothing of it was stored.
// REQUIRES: no element is null.
std::vector<absl::Status> MintMany(pqxx::transaction_base& tx,
                                   const std::vector<const MintRequest*>& mints);

// `status`, but ALREADY_EXISTS says "token <id> already exists": the primary key is the only
// unique constraint a mint can violate.
absl::Status NameDuplicate(absl::Status status, const std::string& id);

}  // namespace warden::storage
