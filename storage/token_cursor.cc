#include "storage/token_cursor.h"

#include <cstdint>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/random.h"

namespace warden::storage {
namespace {

// Bumped if the format changes; old page tokens then fail cleanly as INVALID_ARGUMENT.
constexpr char kVersion[] = "t1";

absl::Status Invalid() { return absl::InvalidArgumentError("page_token is not valid"); }

}  // namespace

std::string EncodeCursor(const TokenCursor& cursor) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, ":", absl::ToUnixMicros(cursor.issued_at), ":", cursor.id));
}

absl::StatusOr<TokenCursor> DecodeCursor(std::string_view page_token) {
  std::string plain;
  if (page_token.empty() || page_token.size() > 256 ||
      !absl::WebSafeBase64Unescape(absl::string_view(page_token.data(), page_token.size()),
                                   &plain)) {
    return Invalid();
  }
  std::vector<absl::string_view> parts = absl::StrSplit(plain, ':');
  int64_t micros = 0;
  if (parts.size() != 3 || parts[0] != kVersion || !absl::SimpleAtoi(parts[1], &micros)) {
    return Invalid();
  }
  // Only times PostgreSQL can compute with (a hand-made token's could overflow the query's
  // timestamp arithmetic): google.protobuf.Timestamp's range, 0001-01-01 to 9999-12-31.
  constexpr int64_t kMinMicros = -62135596800LL * 1000000;
  constexpr int64_t kMaxMicros = 253402300799LL * 1000000 + 999999;
  if (micros < kMinMicros || micros > kMaxMicros) return Invalid();
  std::string id(parts[2]);
  if (!IsUuid(id)) return Invalid();
  return TokenCursor{absl::FromUnixMicros(micros), std::move(id)};
}

}  // namespace warden::storage
