#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/wardenctl/session.h"

namespace warden::cli {

// The value of --`flag` as a positive duration (or zero, if `allow_zero`): Go style ("720h",
// "90m", "1h30m", "0s") or whole days ("30d"). A usage error naming the flag otherwise.
absl::StatusOr<absl::Duration> ParseLifetime(const Session& session, const std::string& flag,
                                             const std::string& value, bool allow_zero = false);

// The value of --`flag` as an RFC 3339 time ("2030-01-01T00:00:00Z"); a usage error
// naming the flag otherwise.
absl::StatusOr<absl::Time> ParseRfc3339(const Session& session, const std::string& flag,
                                        const std::string& value);

// The value of --`flag` as an instant: an RFC 3339 time, or a positive duration (as
// ParseLifetime reads it) meaning that long before `now` ("90d": ninety days ago). A usage
// error naming the flag otherwise.
absl::StatusOr<absl::Time> ParseTimeOrAgo(const Session& session, const std::string& flag,
                                          const std::string& value, absl::Time now);

}  // namespace warden::cli
