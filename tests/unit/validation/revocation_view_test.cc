// RevocationView: revocations that take effect later (a rotated token's end of overlap), and
// which of two entries for one token wins.

#include "validation/revocation_view.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace warden {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
constexpr char kId[] = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";

TEST_CASE("a scheduled revocation refuses the token from its time on, not before") {
  RevocationView view;
  view.Add(kId, kNow + absl::Hours(100), kNow + absl::Hours(1));
  CHECK_FALSE(view.IsRevoked(kId, kNow));
  CHECK_FALSE(view.IsRevoked(kId, kNow + absl::Hours(1) - absl::Nanoseconds(1)));
  CHECK(view.IsRevoked(kId, kNow + absl::Hours(1)));
  CHECK_FALSE(view.IsRevoked("another", kNow + absl::Hours(2)));
}

TEST_CASE("of two revocations of one token the earlier wins, and watchers hear of it") {
  RevocationView view;
  std::vector<absl::Time> heard;
  view.SetAddedListener(
      [&](const RevocationView::Entry& entry) { heard.push_back(entry.effective_from); });
  view.Add(kId, kNow + absl::Hours(100), kNow + absl::Hours(24));
  view.Add(kId, kNow + absl::Hours(100), kNow + absl::Hours(48));         // later: ignored
  view.Add(kId, kNow + absl::Hours(100));                                 // revoked: at once
  view.AddAll({{kId, kNow + absl::Hours(100), kNow + absl::Hours(24)}});  // a stale reload
  CHECK(view.IsRevoked(kId, kNow));
  CHECK(heard == std::vector<absl::Time>{kNow + absl::Hours(24), absl::InfinitePast()});
  CHECK(view.size() == 1);
}

TEST_CASE("a revocation is kept until the expiry the token string carries") {
  RevocationView view;
  view.Add(kId, kNow + absl::Hours(100), kNow + absl::Hours(1));
  CHECK(view.PruneExpiredBefore(kNow + absl::Hours(2)) == 0);
  CHECK(view.IsRevoked(kId, kNow + absl::Hours(2)));
  CHECK(view.PruneExpiredBefore(kNow + absl::Hours(101)) == 1);
}

}  // namespace
}  // namespace warden
