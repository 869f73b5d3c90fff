#pragma once

// The JSON form of a notice, shared by the JSON log and the webhook. Internal to notifier/.

#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/string_view.h"
#include "notifier/expiration_sink.h"

namespace warden::notifier {

// {"event": "token_expiring", "time": <run_at>, "token_id", "token_name", "expires_at"
// (RFC 3339), "remaining": N, "slice": <slice name>, "message": <the log line's text>,
//  "kind": "expiring", "how_to_rotate": "wardenctl token rotate <id>"}.
// A kInactive notice: "event": "token_inactive", "kind": "inactive", "remaining" counts the
// slices until it may be revoked, no "how_to_rotate", and also "idle_days": N,
// "last_used_at" (RFC 3339, or null: never used) and "revoke_after" (RFC 3339).
nlohmann::json NoticeJson(const ExpiringTokenNotice& notice, absl::Time run_at,
                          absl::string_view slice_name);

// The same record as NoticeJson, compact and on one line, built directly as text (the JSON
// log writes one per token; this is several times cheaper than building the object).
// `run_at` is FormatRfc3339 of the run's time, formatted once per batch.
std::string NoticeJsonLine(const ExpiringTokenNotice& notice, absl::string_view run_at,
                           absl::string_view slice_name);

// Compact, one line: JSON escapes every control character, so no string can end the line.
// Bytes that are not UTF-8 become U+FFFD instead of failing.
std::string DumpOneLine(const nlohmann::json& value);

// "wardenctl token rotate <id>": how to replace an expiring token without an outage.
std::string HowToRotate(absl::string_view token_id);

}  // namespace warden::notifier
