#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::storage {

// Where a page of ListTokens ended: the (issued_at, id) of its last token. The next page
// starts strictly after it, so tokens inserted meanwhile never shift or repeat a page.
struct TokenCursor {
  absl::Time issued_at;  // microsecond precision, like the database
  std::string id;        // a UUID

  friend bool operator==(const TokenCursor& a, const TokenCursor& b) {
    return a.issued_at == b.issued_at && a.id == b.id;
  }
};

// The opaque page_token handed to clients: URL-safe base64 without padding.
std::string EncodeCursor(const TokenCursor& cursor);

// Inverse of EncodeCursor. Anything else: INVALID_ARGUMENT "page_token is not valid".
absl::StatusOr<TokenCursor> DecodeCursor(std::string_view page_token);

}  // namespace warden::storage
