#include "notifier/inactivity_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "notifier/expiry_message.h"

namespace warden::notifier {

InactivityBounds InactivityBoundsAt(absl::Time now, absl::Duration timeout, absl::Duration window) {
  InactivityBounds bounds;
  bounds.lead = std::min(window, timeout / 2);
  bounds.revoke_before = now - timeout;
  bounds.warn_before = bounds.revoke_before + bounds.lead;
  return bounds;
}

IdleVerdict JudgeIdle(absl::Time last_active, const InactivityBounds& bounds) {
  if (last_active < bounds.revoke_before) return IdleVerdict::kRevoke;
  if (last_active < bounds.warn_before) return IdleVerdict::kWarn;
  return IdleVerdict::kActive;
}

IdleSplit SplitIdle(const std::vector<storage::IdleToken>& page, const InactivityBounds& bounds,
                    absl::Duration timeout) {
  IdleSplit split;
  for (const storage::IdleToken& token : page) {
    switch (JudgeIdle(token.last_active(), bounds)) {
      case IdleVerdict::kRevoke:
        split.revoke.push_back(token.id);
        break;
      case IdleVerdict::kWarn:
        if (token.expires_at > token.last_active() + timeout) split.warn.push_back(token);
        break;
      case IdleVerdict::kActive:
        break;
    }
  }
  return split;
}

int64_t WholeDaysIdle(absl::Time last_active, absl::Time now) {
  if (now <= last_active) return 0;
  absl::Duration rest;
  return absl::IDivDuration(now - last_active, absl::Hours(24), &rest);
}

std::string InactivityMessage(absl::string_view name, absl::string_view id, int64_t idle_days,
                              absl::Duration remaining, absl::Duration slice,
                              absl::string_view slice_name) {
  return absl::StrCat("API Token ", EscapeForLogLine(name), " (ID ", EscapeForLogLine(id),
                      ") has not been used for ", CountSlices(idle_days, "day"),
                      " and will be revoked in less than ",
                      CountSlices(SlicesLeft(remaining, slice), slice_name), ".");
}

}  // namespace warden::notifier
