#include "server/http/json_string.h"

#include <array>
#include <cstdint>

namespace warden::http {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// For each ASCII byte, how protobuf writes it: 0 as itself, 'u' as \u00XX, or the letter
// of its two-character escape.
constexpr std::array<char, 128> AsciiEscapes() {
  std::array<char, 128> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  table['<'] = 'u';  // for HTML, as protobuf does
  table['>'] = 'u';
  table[0x7f] = 'u';
  return table;
}
constexpr std::array<char, 128> kAsciiEscapes = AsciiEscapes();

void AppendUnit(uint32_t unit, std::string* out) {
  const char escaped[6] = {'\\',
                           'u',
                           kHex[(unit >> 12) & 0xf],
                           kHex[(unit >> 8) & 0xf],
                           kHex[(unit >> 4) & 0xf],
                           kHex[unit & 0xf]};
  out->append(escaped, sizeof(escaped));
}

// Whether protobuf escapes code point `cp` (>= 0x80): the C1 controls, and the list of
// invisible or formatting characters of its json_escaping.cc.
bool EscapedNonAscii(uint32_t cp) {
  if (cp < 0xa0) return true;
  switch (cp) {
    case 0x00ad:  // soft hyphen
    case 0x06dd:  // Arabic end of ayah
    case 0x070f:  // Syriac abbreviation mark
    case 0x17b4:  // Khmer inherent vowels
    case 0x17b5:
    case 0xfeff:  // zero-width no-break space
    case 0xfff9:  // interlinear annotations
    case 0xfffa:
    case 0xfffb:
    case 0xe0001:  // language tag
      return true;
    default:
      return (cp >= 0x0600 && cp <= 0x0603) || (cp >= 0x200b && cp <= 0x200f) ||
             (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
             (cp >= 0x206a && cp <= 0x206f) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
             (cp >= 0xe0020 && cp <= 0xe007f);
  }
}

bool Continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Decodes the multi-byte UTF-8 sequence at text[i] (whose first byte is >= 0x80) into `cp`
// and its length into `length`; false if it is not well-formed (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF).
bool DecodeSequence(absl::string_view text, size_t i, uint32_t* cp, size_t* length) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  const size_t left = text.size() - i;
  if (lead >= 0xc2 && lead <= 0xdf) {
    if (left < 2 || !Continuation(byte(1))) return false;
    *cp = ((lead & 0x1fu) << 6) | (byte(1) & 0x3fu);
    *length = 2;
    return true;
  }
  if (lead >= 0xe0 && lead <= 0xef) {
    if (left < 3 || !Continuation(byte(1)) || !Continuation(byte(2))) return false;
    if ((lead == 0xe0 && byte(1) < 0xa0) || (lead == 0xed && byte(1) > 0x9f)) return false;
    *cp = ((lead & 0x0fu) << 12) | ((byte(1) & 0x3fu) << 6) | (byte(2) & 0x3fu);
    *length = 3;
    return true;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    if (left < 4 || !Continuation(byte(1)) || !Continuation(byte(2)) || !Continuation(byte(3))) {
      return false;
    }
    if ((lead == 0xf0 && byte(1) < 0x90) || (lead == 0xf4 && byte(1) > 0x8f)) return false;
    *cp = ((lead & 0x07u) << 18) | ((byte(1) & 0x3fu) << 12) | ((byte(2) & 0x3fu) << 6) |
          (byte(3) & 0x3fu);
    *length = 4;
    return true;
  }
  return false;
}

}  // namespace

bool AppendProtobufJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  size_t literal = 0;  // start of the run of bytes not yet appended, written as they are
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const char escape = kAsciiEscapes[c];
      if (escape == 0) {
        ++i;
        continue;
      }
      out->append(text.data() + literal, i - literal);
      if (escape == 'u') {
        AppendUnit(c, out);
      } else {
        out->push_back('\\');
        out->push_back(escape);
      }
      literal = ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t length = 0;
    if (!DecodeSequence(text, i, &cp, &length)) return false;
    if (EscapedNonAscii(cp)) {
      out->append(text.data() + literal, i - literal);
      if (cp < 0x10000) {
        AppendUnit(cp, out);
      } else {
        AppendUnit(0xd800 + ((cp - 0x10000) >> 10), out);
        AppendUnit(0xdc00 + (cp & 0x3ff), out);
      }
      literal = i + length;
    }
    i += length;
  }
  out->append(text.data() + literal, text.size() - literal);
  out->push_back('"');
  return true;
}

}  // namespace warden::http
