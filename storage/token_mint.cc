// The SQL of a token mint: warden_mint_token (migration 0014) called for one token, or for a
// group of tokens in one statement (MintBatcher's group commit).

#include "storage/token_mint.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "storage/pg/sql_values.h"

namespace warden::storage {
namespace {

// What warden_mint_token yields, in both statements' first four columns: live (NULL unless
// the cap was reached), missing roles as JSON, stale, creator_revoked.
#define WARDEN_MINT_OUTCOME \
  "m.live, array_to_json(m.missing_roles)::text, m.stale, m.creator_revoked"

// $1 id, $2 name, $3 roles (text[] literal), $4 issued_at, $5 expires_at (micros),
// $6 revoked, $7 revoked_at (micros; ignored unless revoked), $8 created_by, $9 root, $10 the
// cap on the root's live tokens (0: none), $11 the role generation checked against (NULL:
// not compared), $12 created_by_name, $13 description, $14 rotated_from (NULL: none). One
// round trip, in its own implicit transaction (or inside a rotation's): the function
// (migration 0014) checks the creating token is not revoked, holds the root's advisory lock,
// counts, compares the generation under the shared roles lock, locks the named roles and
// inserts.
constexpr char kMint[] = "warden_token_mint";
constexpr char kMintSql[] = "SELECT " WARDEN_MINT_OUTCOME R"sql( FROM warden_mint_token(
  $1::uuid, $2, $3::text[],
  'epoch'::timestamptz + $4::bigint * interval '1 microsecond',
  'epoch'::timestamptz + $5::bigint * interval '1 microsecond',
  $6::boolean, 'epoch'::timestamptz + $7::bigint * interval '1 microsecond', $8, $9,
  $10::integer, $11::bigint, $12, $13, $14::uuid) AS m)sql";

// kMint for many tokens: $1-$14 are arrays (literals) of kMint's parameters, element i for
// mint i, roles as one text[] literal each. unnest walks them in step and the lateral join
// calls the function once per element, in order: a VOLATILE function's queries each take a
// new snapshot and see what the calls before them in this statement inserted, and
// pg_advisory_xact_lock is re-entrant, so the cap counts the group's earlier mints of a root.
// One statement: one implicit transaction, one commit (one WAL flush) for the group. Rows
// come back in the mints' order.
constexpr char kMintMany[] = "warden_token_mint_many";
constexpr char kMintManySql[] = "SELECT " WARDEN_MINT_OUTCOME R"sql(
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::boolean[],
            $7::bigint[], $8::text[], $9::text[], $10::integer[], $11::bigint[], $12::text[],
            $13::text[], $14::uuid[])
       WITH ORDINALITY AS u(id, name, roles, issued_at, expires_at, revoked, revoked_at,
                            created_by, root, max_live, role_generation, created_by_name,
                            description, rotated_from, position)
CROSS JOIN LATERAL warden_mint_token(
  u.id, u.name, u.roles::text[],
  'epoch'::timestamptz + u.issued_at * interval '1 microsecond',
  'epoch'::timestamptz + u.expires_at * interval '1 microsecond',
  u.revoked, 'epoch'::timestamptz + u.revoked_at * interval '1 microsecond', u.created_by,
  u.root, u.max_live, u.role_generation, u.created_by_name, u.description,
  u.rotated_from) AS m
ORDER BY u.position)sql";

#undef WARDEN_MINT_OUTCOME

// FAILED_PRECONDITION naming the roles a new token names that do not exist. REQUIRES: not
// empty.
absl::Status MissingRolesError(const std::vector<std::string>& missing) {
  return absl::FailedPreconditionError(
      missing.size() == 1
          ? absl::StrCat("role ", missing[0], " no longer exists")
          : absl::StrCat("roles ", absl::StrJoin(missing, ", "), " no longer exist"));
}

// A mint's answer from its row of WARDEN_MINT_OUTCOME.
absl::Status Outcome(const pqxx::row& row) {
  if (row[3].as<bool>()) {
    return absl::UnauthenticatedError("the token this request was made with has been revoked");
  }
  if (row[2].as<bool>()) return absl::AbortedError(TokenRecords::kStaleRolesMessage);
  if (!row[0].is_null()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the caller already has ", row[0].as<int>(),
        " live tokens, the most one identity may have; revoke some (or let them expire) "
        "first"));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> missing, ParseJsonTextArray(row[1].as<std::string>()));
  if (!missing.empty()) return MissingRolesError(missing);
  return absl::OkStatus();
}

const std::string& Root(const TokenMetadata& token) {
  return token.root.empty() ? token.created_by : token.root;
}

int64_t RevokedAtMicros(const TokenMetadata& token) {
  return token.revoked_at ? ToMicros(*token.revoked_at) : 0;
}

}  // namespace

void PrepareMintStatements(StorageExecutor& executor) {
  executor.Prepare(kMint, kMintSql);
  executor.Prepare(kMintMany, kMintManySql);
}

absl::Status MintOne(pqxx::transaction_base& tx, const TokenMetadata& token,
                     const MintConditions& conditions) {
  const std::string generation =
      conditions.role_generation ? absl::StrCat(*conditions.role_generation) : "";
  // libpqxx 6.4 passes a null `const char*` as SQL NULL.
  const pqxx::row row = tx.exec_prepared1(
      kMint, token.id, token.name, TextArrayLiteral(token.roles), ToMicros(token.issued_at),
      ToMicros(token.expires_at), token.revoked, RevokedAtMicros(token), token.created_by,
      Root(token), std::max(conditions.max_live_per_root, 0),
      conditions.role_generation ? generation.c_str() : nullptr, token.created_by_name,
      token.description, token.rotated_from.empty() ? nullptr : token.rotated_from.c_str());
  return Outcome(row);
}

std::vector<absl::Status> MintMany(pqxx::transaction_base& tx,
                                   const std::vector<const MintRequest*>& mints) {
  const size_t n = mints.size();
  std::vector<std::string> ids, names, roles, created_by, roots, created_by_names, descriptions;
  std::vector<std::optional<std::string>> issued_at, expires_at, revoked, revoked_at, max_live,
      generations, rotated_from;
  for (auto* column :
       {&ids, &names, &roles, &created_by, &roots, &created_by_names, &descriptions}) {
    column->reserve(n);
  }
  for (auto* column :
       {&issued_at, &expires_at, &revoked, &revoked_at, &max_live, &generations, &rotated_from}) {
    column->reserve(n);
  }
  for (const MintRequest* mint : mints) {
    const TokenMetadata& token = mint->token;
    const MintConditions& conditions = mint->conditions;
    ids.push_back(token.id);
    names.push_back(token.name);
    roles.push_back(TextArrayLiteral(token.roles));
    issued_at.push_back(absl::StrCat(ToMicros(token.issued_at)));
    expires_at.push_back(absl::StrCat(ToMicros(token.expires_at)));
    revoked.push_back(token.revoked ? "t" : "f");
    revoked_at.push_back(absl::StrCat(RevokedAtMicros(token)));
    created_by.push_back(token.created_by);
    roots.push_back(Root(token));
    max_live.push_back(absl::StrCat(std::max(conditions.max_live_per_root, 0)));
    generations.push_back(conditions.role_generation
                              ? std::optional(absl::StrCat(*conditions.role_generation))
                              : std::nullopt);
    created_by_names.push_back(token.created_by_name);
    descriptions.push_back(token.description);
    rotated_from.push_back(token.rotated_from.empty() ? std::nullopt
                                                      : std::optional(token.rotated_from));
  }
  const pqxx::result rows = tx.exec_prepared(
      kMintMany, TextArrayLiteral(ids), TextArrayLiteral(names), TextArrayLiteral(roles),
      NullableArrayLiteral(issued_at), NullableArrayLiteral(expires_at),
      NullableArrayLiteral(revoked), NullableArrayLiteral(revoked_at), TextArrayLiteral(created_by),
      TextArrayLiteral(roots), NullableArrayLiteral(max_live), NullableArrayLiteral(generations),
      TextArrayLiteral(created_by_names), TextArrayLiteral(descriptions),
      NullableArrayLiteral(rotated_from));
  std::vector<absl::Status> outcomes;
  outcomes.reserve(n);
  for (const pqxx::row& row : rows) outcomes.push_back(Outcome(row));
  if (outcomes.size() != n) {
    // The lateral join yields exactly one row per element: anything else is a bug here.
    outcomes.assign(n, absl::InternalError("storage error: the group mint lost track of a mint"));
  }
  return outcomes;
}

absl::Status NameDuplicate(absl::Status status, const std::string& id) {
  if (!absl::IsAlreadyExists(status)) return status;
  return absl::AlreadyExistsError(absl::StrCat("token ", id, " already exists"));
}

}  // namespace warden::storage
