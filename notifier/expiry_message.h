#pragma once

// What the notifier says about one expiring token: pure functions, no I/O.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace warden::notifier {

// The remaining time in whole slices, rounded up, and at least 1: with a 1h slice, 1h50m is 2
// and 50m is 1; exactly 2h is 2. REQUIRES: slice > 0.
int64_t SlicesLeft(absl::Duration remaining, absl::Duration slice);

// "1 day", "2 days", "0 days": `slice_name` with an "s" unless `count` is 1.
std::string CountSlices(int64_t count, absl::string_view slice_name);

// Makes untrusted text (a token name) safe inside one log line, so that it can neither end
// the line, forge another one, nor drive a terminal, and reads back unambiguously:
//   \  -> \\         newline -> \n     carriage return -> \r     tab -> \t
//   other C0 controls and DEL (0x7f) -> \xHH
//   C1 controls (U+0080..U+009F, e.g. NEL), U+2028, U+2029 -> \uHHHH
//   bytes that are not valid UTF-8 -> \xHH
// Everything else, including quotes and other non-ASCII text, is kept as it is.
std::string EscapeForLogLine(absl::string_view text);

// The warning of SPEC §5, exactly:
//   API Token <name> (ID <id>) will expire in less than <N> <slice name>(s).
// with <name> and <id> passed through EscapeForLogLine and N = SlicesLeft(remaining, slice).
std::string ExpiryMessage(absl::string_view name, absl::string_view id, absl::Duration remaining,
                          absl::Duration slice, absl::string_view slice_name);

// `t` as RFC 3339 in UTC with the stored microseconds when there are any:
// "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123456Z".
std::string FormatRfc3339(absl::Time t);

}  // namespace warden::notifier
