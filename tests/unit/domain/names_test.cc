#include "domain/names.h"

#include <catch2/catch.hpp>

namespace warden {
namespace {

TEST_CASE("names are 1 to 128 printable characters of valid UTF-8") {
  CHECK(ValidateName("ci-token", "token name").ok());
  CHECK(ValidateName(std::string(128, 'a'), "token name").ok());
  CHECK(ValidateName("Größe 日本", "token name").ok());
  // 128 characters of two bytes each is still 128 characters.
  std::string umlauts;
  for (int i = 0; i < 128; ++i) umlauts += "ü";
  CHECK(ValidateName(umlauts, "token name").ok());

  CHECK(ValidateName("", "token name").message() == "token name must not be empty");
  CHECK(ValidateName(std::string(129, 'a'), "token name").code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(ValidateName("line\nbreak", "token name").code() == absl::StatusCode::kInvalidArgument);
  CHECK(ValidateName("\x7f", "token name").code() == absl::StatusCode::kInvalidArgument);
  CHECK(ValidateName("bad \xff utf8", "token name").message() == "token name is not valid UTF-8");
  CHECK(ValidateName("\xc0\xaf", "token name").code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace warden
