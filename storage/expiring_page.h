#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "domain/token.h"

namespace warden::storage {

// Where a page of TokenStore::ListExpiring ended: the (expires_at, id) of its last token.
// The next page starts strictly after it, following the index on live tokens
// (expires_at, id) WHERE NOT revoked.
struct ExpiringCursor {
  absl::Time expires_at;  // microsecond precision, like the database
  std::string id;         // a UUID

  friend bool operator==(const ExpiringCursor& a, const ExpiringCursor& b) {
    return a.expires_at == b.expires_at && a.id == b.id;
  }
};

// One page of live tokens ordered by (expires_at, id) ascending.
struct ExpiringPage {
  std::vector<TokenMetadata> tokens;
  std::optional<ExpiringCursor> next;  // set if more tokens follow
};

}  // namespace warden::storage
