#include "server/http/json_string.h"

#include <catch2/catch.hpp>
#include <string>

namespace warden::http {
namespace {

std::string Escaped(const std::string& text) {
  std::string out;
  REQUIRE(AppendProtobufJsonString(text, &out));
  return out;
}

TEST_CASE("JSON strings are escaped as protobuf's printer escapes them") {
  CHECK(Escaped("") == R"("")");
  CHECK(Escaped("Analyst") == R"("Analyst")");
  CHECK(Escaped("a\"b\\c/d") == R"("a\"b\\c/d")");
  CHECK(Escaped("\b\t\n\f\r") == R"("\b\t\n\f\r")");
  CHECK(Escaped(std::string("\0\x01\x0b\x1f\x7f", 5)) == R"("\u0000\u0001\u000b\u001f\u007f")");
  CHECK(Escaped("<script>") == R"("\u003cscript\u003e")");
  // Non-ASCII stays UTF-8, but for the C1 controls and the invisible characters.
  CHECK(Escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(Escaped("\xc2\x80\xc2\x9f\xc2\xa0") == "\"\\u0080\\u009f\xc2\xa0\"");
  CHECK(Escaped("soft\xc2\xadhyphen") == R"("soft\u00adhyphen")");
  CHECK(Escaped("\xe2\x80\xa8\xe2\x80\xa9\xef\xbb\xbf") == R"("\u2028\u2029\ufeff")");
  // A supplementary code point protobuf escapes: a surrogate pair (U+E0001, language tag).
  CHECK(Escaped("\xf3\xa0\x80\x81") == R"("\udb40\udc01")");
}

TEST_CASE("strings that are not UTF-8 are left to protobuf") {
  for (const char* bad :
       {"\x80", "caf\xc3", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
        "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "a\xe2\x82"}) {
    INFO(bad);
    std::string out;
    CHECK_FALSE(AppendProtobufJsonString(bad, &out));
  }
}

}  // namespace
}  // namespace warden::http
