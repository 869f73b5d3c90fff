#pragma once

#include <string>

#include "absl/status/status.h"

namespace warden::storage {

// Brings the database at `database_url` up to the schema compiled into this binary
// (storage/migrations/*.sql): opens its own connection and, in ONE transaction holding a
// transaction-level advisory lock, creates `schema_migrations` if needed and applies every
// missing version in order, recording each. Either all missing versions are applied or none.
//
// Running it again is a no-op; processes running it at the same time serialize on the lock,
// and the later ones find nothing to do. A version recorded under a different name than this
// binary's is FAILED_PRECONDITION (the database belongs to another build); versions newer
// than this binary's are left alone (a rolling upgrade), with a warning.
// Errors as storage/pg/errors.h maps them (UNAVAILABLE if the database cannot be reached).
// Blocking; call at start-up, before serving.
absl::Status ApplyMigrations(const std::string& database_url);

}  // namespace warden::storage
