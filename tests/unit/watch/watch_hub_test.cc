// The watch hub: positions, cursors, resumption limits and waking (server/watch/watch_hub.h).

#include "server/watch/watch_hub.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "validation/revocation_view.h"
#include "validation/role_view.h"

namespace warden {
namespace {

const absl::Time kExpiry = absl::FromUnixSeconds(2'000'000'000);

TEST_CASE("changes after a position come in order, each once", "[watch]") {
  WatchHub hub(100);
  CHECK(hub.head() == 0);
  hub.PublishRevocation("a", kExpiry);
  hub.PublishRolesChanged();
  hub.PublishRevocation("b", kExpiry);
  REQUIRE(hub.head() == 3);

  auto all = hub.Since(0, 100);
  REQUIRE(all.has_value());
  REQUIRE(all->revocations.size() == 2);
  CHECK(all->revocations[0].token_id == "a");
  CHECK(all->revocations[1].token_id == "b");
  CHECK(all->roles_changed);
  CHECK_FALSE(all->m2m_changed);
  CHECK(all->through == 3);

  auto rest = hub.Since(2, 100);
  REQUIRE(rest.has_value());
  CHECK(rest->revocations.size() == 1);
  CHECK_FALSE(rest->roles_changed);

  auto none = hub.Since(3, 100);
  REQUIRE(none.has_value());
  CHECK(none->revocations.empty());
  CHECK(none->through == 3);
}

TEST_CASE("a batch stops at the revocation limit and the next call continues", "[watch]") {
  WatchHub hub(100);
  for (int i = 0; i < 5; ++i) hub.PublishRevocation(absl::StrCat("t", i), kExpiry);
  auto first = hub.Since(0, 2);
  REQUIRE(first.has_value());
  CHECK(first->revocations.size() == 2);
  auto second = hub.Since(first->through, 2);
  REQUIRE(second.has_value());
  CHECK(second->revocations[0].token_id == "t2");
}

TEST_CASE("a position older than the retained log, or ahead of it, cannot resume", "[watch]") {
  WatchHub hub(3);
  for (int i = 0; i < 5; ++i) hub.PublishRevocation(absl::StrCat("t", i), kExpiry);
  CHECK_FALSE(hub.Since(0, 100).has_value());  // changes 1 and 2 are gone
  CHECK_FALSE(hub.Since(1, 100).has_value());
  REQUIRE(hub.Since(2, 100).has_value());  // 3, 4, 5 are retained
  CHECK(hub.Since(2, 100)->revocations.size() == 3);
  CHECK_FALSE(hub.Since(6, 100).has_value());
}

TEST_CASE("cursors resume only on the hub that made them", "[watch]") {
  WatchHub hub(10);
  WatchHub restarted(10);
  hub.PublishRolesChanged();
  const std::string cursor = hub.Cursor(hub.head());
  CHECK(hub.ParseCursor(cursor) == 1u);
  CHECK_FALSE(restarted.ParseCursor(cursor).has_value());
  CHECK_FALSE(hub.ParseCursor("").has_value());
  CHECK_FALSE(hub.ParseCursor(cursor + "x").has_value());
  CHECK_FALSE(hub.ParseCursor("1").has_value());
}

TEST_CASE("subscribers are woken by each change and by Close, until they unsubscribe", "[watch]") {
  WatchHub hub(10);
  int wakes = 0;
  const uint64_t id = hub.Subscribe([&] { ++wakes; });
  hub.PublishM2mChanged();
  hub.PublishRevocation("a", kExpiry);
  CHECK(wakes == 2);
  CHECK_FALSE(hub.closed());
  hub.Close();
  CHECK(hub.closed());
  CHECK(wakes == 3);
  hub.Unsubscribe(id);
  hub.PublishRolesChanged();
  CHECK(wakes == 3);
}

TEST_CASE("views announce only what changes validation", "[watch]") {
  RevocationView revocations;
  std::vector<std::string> added;
  revocations.SetAddedListener(
      [&](const RevocationView::Entry& e) { added.push_back(e.token_id); });
  revocations.Add("a", kExpiry);
  revocations.Add("a", kExpiry);  // known: not announced again
  revocations.AddAll({{"a", kExpiry}, {"b", kExpiry}});
  CHECK(added == std::vector<std::string>{"a", "b"});

  RoleView roles;
  int changes = 0;
  roles.SetChangedListener([&] { ++changes; });
  Role reader;
  reader.name = "Reader";
  reader.permission_set.permissions["Integration"] = Access::kRead;
  roles.Replace({reader});
  CHECK(changes == 1);
  reader.description = "only the description differs";
  roles.Replace({reader});
  CHECK(changes == 1);
  reader.permission_set.permissions["Integration"] = Access::kReadWrite;
  roles.Replace({reader});
  CHECK(changes == 2);
}

}  // namespace
}  // namespace warden
