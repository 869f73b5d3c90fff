#pragma once

// Internal to storage/: TokenStore's statements that a test or benchmark runs itself, so that
// it EXPLAINs or times the very SQL the store prepares. Only storage/ and tests/ include it;
// nothing above storage/ may depend on the SQL.

namespace warden::storage {

// The SQL of TokenStore::ListExpiring. Parameters: $1 start expires_at and $2 start id
// (exclusive; microseconds since the epoch and a UUID), $3 until (inclusive, microseconds),
// $4 limit. Columns as TokenStore reads them. Defined in token_store.cc.
extern const char kListExpiringSql[];

}  // namespace warden::storage
