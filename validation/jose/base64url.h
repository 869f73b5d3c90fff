#pragma once

// Base64url (RFC 4648 §5) as JOSE uses it: the URL-safe alphabet, no padding (RFC 7515 §2).

#include <optional>
#include <string>
#include <string_view>

namespace warden::jose {

// Encodes `data` with the URL-safe alphabet and without '=' padding. Thread-safe.
std::string Base64UrlEncode(std::string_view data);

// Decodes unpadded base64url. Returns nullopt if `text` contains padding, whitespace or any
// character outside the URL-safe alphabet, has an impossible length (4n+1), or is not the
// canonical encoding of its bytes (unused trailing bits not zero), so that each byte string
// has exactly one accepted encoding. The empty string decodes to the empty string.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace warden::jose
