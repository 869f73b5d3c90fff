#pragma once

#include <exception>
#include <string_view>

#include "absl/status/status.h"

namespace warden::storage {

// The one place that turns libpqxx exceptions into absl::Status (codes are gRPC's):
//   unique violation                                    -> ALREADY_EXISTS
//   foreign key, check, not-null, restrict violation    -> FAILED_PRECONDITION
//   serialization failure, deadlock                     -> ABORTED (the executor retries)
//   data exceptions, class 22 (22P02 bad uuid, 22008
//   time out of range, 22P05 NUL in JSON, ...)          -> INVALID_ARGUMENT
//   statement timeout / query cancelled (57014)         -> DEADLINE_EXCEEDED
//   broken connection, outcome in doubt, SQLSTATE 08*,
//   57P01..57P03, 53300, read-only database (25006)     -> UNAVAILABLE "database unavailable: ..."
//   disk full (53100) and the rest of class 53          -> RESOURCE_EXHAUSTED
//   anything else                                       -> INTERNAL
// Messages carry PostgreSQL's primary message only (never DETAIL, which holds row values)
// and, for data exceptions, not even that (it echoes the input), so they never contain
// parameter values that could be secrets.
absl::Status StatusFromException(std::exception_ptr error);

// The status code for a SQLSTATE, following the table above.
absl::StatusCode CodeForSqlState(std::string_view sqlstate);

// True for the statuses after which a connection must be dropped and reopened (UNAVAILABLE).
bool IsConnectionLoss(const absl::Status& status);

// True for the statuses worth retrying the whole transaction for (ABORTED).
bool IsRetryable(const absl::Status& status);

}  // namespace warden::storage
