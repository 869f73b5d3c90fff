#include "notifier/expiry_message.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace warden::notifier {
namespace {

// The length of the valid UTF-8 sequence starting at text[i] and its code point, or 0 if the
// bytes there are not one (overlong forms, surrogates and values past U+10FFFF are invalid).
size_t DecodeUtf8(absl::string_view text, size_t i, uint32_t& code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length;
  uint32_t min;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, min = 0x80, code_point = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, min = 0x800, code_point = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3f);
  }
  if (code_point < min || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) {
    return 0;
  }
  return length;
}

}  // namespace

int64_t SlicesLeft(absl::Duration remaining, absl::Duration slice) {
  if (remaining <= absl::ZeroDuration()) return 1;
  const int64_t whole = absl::IDivDuration(remaining, slice, &remaining);
  // IDivDuration saturates (e.g. centuries left in 1ns slices): rounding up would overflow.
  if (whole == std::numeric_limits<int64_t>::max()) return whole;
  const int64_t slices = remaining > absl::ZeroDuration() ? whole + 1 : whole;
  return slices < 1 ? 1 : slices;
}

std::string CountSlices(int64_t count, absl::string_view slice_name) {
  return absl::StrCat(count, " ", slice_name, count == 1 ? "" : "s");
}

std::string EscapeForLogLine(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            absl::StrAppendFormat(&out, "\\x%02x", c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    uint32_t code_point = 0;
    const size_t length = DecodeUtf8(text, i, code_point);
    if (length == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
      ++i;
    } else if ((code_point >= 0x80 && code_point <= 0x9f) || code_point == 0x2028 ||
               code_point == 0x2029) {
      absl::StrAppendFormat(&out, "\\u%04x", code_point);
      i += length;
    } else {
      out.append(text.data() + i, length);
      i += length;
    }
  }
  return out;
}

std::string ExpiryMessage(absl::string_view name, absl::string_view id, absl::Duration remaining,
                          absl::Duration slice, absl::string_view slice_name) {
  return absl::StrCat("API Token ", EscapeForLogLine(name), " (ID ", EscapeForLogLine(id),
                      ") will expire in less than ",
                      CountSlices(SlicesLeft(remaining, slice), slice_name), ".");
}

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

}  // namespace warden::notifier
