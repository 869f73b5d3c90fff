#include "client/wardenctl/time_flags.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace warden::cli {

absl::StatusOr<absl::Duration> ParseLifetime(const Session& session, const std::string& flag,
                                             const std::string& value, bool allow_zero) {
  absl::Duration duration;
  int64_t days = 0;
  bool parsed = absl::ParseDuration(value, &duration);
  if (!parsed && absl::EndsWith(value, "d") &&
      absl::SimpleAtoi(absl::string_view(value).substr(0, value.size() - 1), &days)) {
    duration = absl::Hours(24) * days;
    parsed = true;
  }
  if (!parsed || duration < absl::ZeroDuration() ||
      (duration == absl::ZeroDuration() && !allow_zero) || duration == absl::InfiniteDuration()) {
    return session.Usage(absl::StrCat("--", flag, " must be a ", allow_zero ? "" : "positive ",
                                      "duration such as 720h, 90m or 30d, not \"", value, "\""));
  }
  return duration;
}

absl::StatusOr<absl::Time> ParseRfc3339(const Session& session, const std::string& flag,
                                        const std::string& value) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, value, &time, &error)) {
    return session.Usage(absl::StrCat("--", flag, " must be an RFC 3339 time such as ",
                                      "2030-01-01T00:00:00Z, not \"", value, "\""));
  }
  return time;
}

absl::StatusOr<absl::Time> ParseTimeOrAgo(const Session& session, const std::string& flag,
                                          const std::string& value, absl::Time now) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, value, &time, &error)) return time;
  absl::StatusOr<absl::Duration> ago = ParseLifetime(session, flag, value);
  if (!ago.ok()) {
    return session.Usage(absl::StrCat("--", flag, " must be a duration such as 90d or 720h (that ",
                                      "long ago) or an RFC 3339 time such as ",
                                      "2030-01-01T00:00:00Z, not \"", value, "\""));
  }
  return now - *ago;
}

}  // namespace warden::cli
