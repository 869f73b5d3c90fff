#pragma once

// When a token counts as unused (WARDEN_TOKEN_INACTIVITY_TIMEOUT, issue 18), and what the
// warning says: pure functions, no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/token_sweep_store.h"

namespace warden::notifier {

// The two instants one inactivity run judges tokens against. A live token is judged by its
// last activity: the later of when it was issued and when it was last used.
struct InactivityBounds {
  absl::Time revoke_before;  // last active before this: revoked (now - timeout)
  absl::Time warn_before;    // last active before this, but not before revoke_before: warned
  absl::Duration lead;       // warn_before - revoke_before
};

// The bounds at `now`. The warning leads the revocation by the notifier's detection window,
// but by at most half the timeout: with a 24h timeout and the default 168h window, every
// token would otherwise be warned about at every run, however recently it was used.
// REQUIRES: timeout > 0, window > 0.
InactivityBounds InactivityBoundsAt(absl::Time now, absl::Duration timeout, absl::Duration window);

enum class IdleVerdict {
  kActive,  // used or issued within timeout - lead: nothing to say
  kWarn,    // will become inactive within the lead unless used
  kRevoke,  // neither used nor issued within the timeout
};
IdleVerdict JudgeIdle(absl::Time last_active, const InactivityBounds& bounds);

// What one page of idle tokens (TokenSweepStore::ListIdle) comes to: the ids to revoke in
// one batch, and the tokens to warn about, each in page order. A token that expires before
// it could become inactive is not warned about: it expires first (and the expiration
// notifier says so).
struct IdleSplit {
  std::vector<std::string> revoke;
  std::vector<storage::IdleToken> warn;
};
IdleSplit SplitIdle(const std::vector<storage::IdleToken>& page, const InactivityBounds& bounds,
                    absl::Duration timeout);

// Whole days from `last_active` to `now`, rounded down (0 if not a day yet).
int64_t WholeDaysIdle(absl::Time last_active, absl::Time now);

// The inactivity warning, exactly:
//   API Token <name> (ID <id>) has not been used for <N> days and will be revoked in less
//   than <M> <slice name>s.
// (one line) with <name> and <id> passed through EscapeForLogLine, N = WholeDaysIdle ("1
// day", "0 days"), and M = SlicesLeft(revoke_after - now, slice) with the slice's name,
// singular when M is 1, as in the expiry warning.
std::string InactivityMessage(absl::string_view name, absl::string_view id, int64_t idle_days,
                              absl::Duration remaining, absl::Duration slice,
                              absl::string_view slice_name);

}  // namespace warden::notifier
