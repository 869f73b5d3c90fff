#include "validation/jose/base64url.h"

#include <catch2/catch.hpp>
#include <string>

namespace warden::jose {
namespace {

TEST_CASE("Base64UrlEncode matches the RFC 4648 test vectors without padding", "[base64url]") {
  CHECK(Base64UrlEncode("") == "");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlEncode("fo") == "Zm8");
  CHECK(Base64UrlEncode("foo") == "Zm9v");
  CHECK(Base64UrlEncode("foob") == "Zm9vYg");
  CHECK(Base64UrlEncode("fooba") == "Zm9vYmE");
  CHECK(Base64UrlEncode("foobar") == "Zm9vYmFy");
}

TEST_CASE("Base64UrlEncode uses the URL-safe alphabet", "[base64url]") {
  CHECK(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)) == "-_-_");
  // RFC 7515 Appendix C.
  CHECK(Base64UrlEncode(std::string("\x03\xec\xff\xe0", 4)) == "A-z_4A");
}

TEST_CASE("Base64UrlDecode inverts Base64UrlEncode for every byte value and length",
          "[base64url]") {
  std::string data;
  for (int i = 0; i < 256; ++i) {
    data.push_back(static_cast<char>(i));
    const auto decoded = Base64UrlDecode(Base64UrlEncode(data));
    REQUIRE(decoded.has_value());
    CHECK(*decoded == data);
  }
  CHECK(Base64UrlDecode("") == std::string());
}

TEST_CASE("Base64UrlDecode rejects padding", "[base64url]") {
  CHECK_FALSE(Base64UrlDecode("Zg==").has_value());
  CHECK_FALSE(Base64UrlDecode("Zm8=").has_value());
  CHECK_FALSE(Base64UrlDecode("=").has_value());
}

TEST_CASE("Base64UrlDecode rejects characters outside the URL-safe alphabet", "[base64url]") {
  CHECK_FALSE(Base64UrlDecode("Zm9v+mFy").has_value());  // standard alphabet
  CHECK_FALSE(Base64UrlDecode("Zm9v/mFy").has_value());
  CHECK_FALSE(Base64UrlDecode("Zm9v YmFy").has_value());
  CHECK_FALSE(Base64UrlDecode("Zm9v\nYmFy").has_value());
  CHECK_FALSE(Base64UrlDecode("Zm9v.mFy").has_value());
  CHECK_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).has_value());
  CHECK_FALSE(Base64UrlDecode("Zm9v\xc3\xa9").has_value());
}

TEST_CASE("Base64UrlDecode rejects impossible lengths", "[base64url]") {
  CHECK_FALSE(Base64UrlDecode("Z").has_value());
  CHECK_FALSE(Base64UrlDecode("Zm9vY").has_value());
}

TEST_CASE("Base64UrlDecode rejects non-canonical trailing bits", "[base64url]") {
  // "Zg" is the canonical encoding of "f"; "Zh" carries the same byte plus non-zero bits.
  CHECK(Base64UrlDecode("Zg") == std::string("f"));
  CHECK_FALSE(Base64UrlDecode("Zh").has_value());
  CHECK_FALSE(Base64UrlDecode("Zv").has_value());
  CHECK(Base64UrlDecode("Zm8") == std::string("fo"));
  CHECK_FALSE(Base64UrlDecode("Zm9").has_value());
  CHECK_FALSE(Base64UrlDecode("Zm_").has_value());
}

}  // namespace
}  // namespace warden::jose
