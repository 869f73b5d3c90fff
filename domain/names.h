#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace warden {

// Checks a user-given object name (token, role, ...): 1-128 characters, valid UTF-8, no
// control characters. `what` names the field in the error ("token name").
// Returns INVALID_ARGUMENT saying what is wrong, never echoing more than the name's length.
absl::Status ValidateName(absl::string_view name, absl::string_view what);

// Checks user-given free text (a token's description): at most `max_chars` characters (code
// points), valid UTF-8, no control characters; empty is fine. Errors as ValidateName's.
absl::Status ValidatePrintable(absl::string_view text, absl::string_view what, size_t max_chars);

// True if `text` is valid UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
// What PostgreSQL text columns and protobuf strings accept.
bool IsValidUtf8(absl::string_view text);

}  // namespace warden
