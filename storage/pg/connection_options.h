#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace warden::storage {

// Adds libpq's connect_timeout and, if given, a server-side statement_timeout (through the
// `options` connection parameter) to `url`, which may be a URI ("postgresql://...") or a
// keyword/value string ("host=... dbname=..."). Settings already present in `url` win.
// Internal to storage/.
std::string WithConnectionOptions(const std::string& url, absl::Duration connect_timeout,
                                  std::optional<absl::Duration> statement_timeout);

// Adds libpq's application_name (shown in pg_stat_activity) unless `url` sets one.
std::string WithApplicationName(const std::string& url, const std::string& name);

}  // namespace warden::storage
