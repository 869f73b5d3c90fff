#include "storage/token_cursor.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"

namespace warden::storage {
namespace {

TEST_CASE("a page token decodes to the cursor it encodes", "[token_cursor]") {
  const TokenCursor cursor{absl::FromUnixMicros(1'700'000'000'123'456),
                           "3f2504e0-4f89-41d3-9a0c-0305e82c3301"};
  const std::string token = EncodeCursor(cursor);
  CHECK(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
      std::string::npos);
  absl::StatusOr<TokenCursor> decoded = DecodeCursor(token);
  REQUIRE(decoded.ok());
  CHECK(*decoded == cursor);

  const TokenCursor before_epoch{absl::FromUnixMicros(-5), cursor.id};
  decoded = DecodeCursor(EncodeCursor(before_epoch));
  REQUIRE(decoded.ok());
  CHECK(*decoded == before_epoch);
}

TEST_CASE("a bad page token is INVALID_ARGUMENT", "[token_cursor]") {
  for (const std::string& bad :
       {std::string(""), std::string("!!!"), std::string("bm90IGEgY3Vyc29y"),
        absl::WebSafeBase64Escape("t1:12:not-a-uuid"),
        absl::WebSafeBase64Escape("t1:x:3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        absl::WebSafeBase64Escape("t0:12:3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        std::string(1000, 'A')}) {
    INFO(bad);
    absl::StatusOr<TokenCursor> decoded = DecodeCursor(bad);
    CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(decoded.status().message() == "page_token is not valid");
  }
}

}  // namespace
}  // namespace warden::storage
