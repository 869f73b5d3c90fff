#include "domain/names.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace warden {
namespace {

// Decodes one UTF-8 code point starting at s[i]; advances i. Returns -1 if invalid.
int32_t NextCodePoint(absl::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || i + len > s.size()) return -1;
  int32_t cp = len == 1 ? c : c & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 0x2) return -1;
    cp = (cp << 6) | (cc & 0x3f);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  i += len;
  return cp;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (NextCodePoint(text, i) < 0) return false;
  }
  return true;
}

absl::Status ValidatePrintable(absl::string_view text, absl::string_view what, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    int32_t cp = NextCodePoint(text, i);
    if (cp < 0) return absl::InvalidArgumentError(absl::StrCat(what, " is not valid UTF-8"));
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " must contain only printable characters"));
    }
    ++chars;
  }
  if (chars > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is ", chars, " characters long; the limit is ", max_chars));
  }
  return absl::OkStatus();
}

absl::Status ValidateName(absl::string_view name, absl::string_view what) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " must not be empty"));
  return ValidatePrintable(name, what, 128);
}

}  // namespace warden
