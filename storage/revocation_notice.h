#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace warden::storage {

// What Revoke tells other replicas: "<id> <expires_at> <sent_at>" (Unix microseconds),
// enough to reject the token at once, to forget the revocation once the token has expired,
// and to measure how long the notice took to arrive (sent_at is the revoking replica's
// clock at the revocation; replicas' clocks are assumed NTP-close). Notices of older
// replicas have no sent_at. A rotation's notice adds " <effective_from>": the token is
// refused from then on, not at once (older replicas ignore such a notice and reload).
struct RevocationNotice {
  std::string id;
  absl::Time expires_at;  // the expiry the token string carries
  std::optional<absl::Time> sent_at;
  std::optional<absl::Time> effective_from;  // unset: at once. REQUIRES: sent_at if set
};
std::string EncodeRevocationNotice(const RevocationNotice& notice);
// nullopt if `payload` is not an encoded notice.
std::optional<RevocationNotice> ParseRevocationNotice(const std::string& payload);

}  // namespace warden::storage
