#include "validation/verified_token_cache.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace warden {
namespace {

VerifiedTokenCache::Claims ClaimsWithId(const std::string& id) {
  auto claims = std::make_shared<jose::JwtClaims>();
  claims->id = id;
  return claims;
}

VerifiedTokenCache::Digest Key(const std::string& token) {
  return VerifiedTokenCache::DigestOf(token);
}

TEST_CASE("the cache key is the token's SHA-256") {
  const VerifiedTokenCache::Digest abc = Key("abc");
  CHECK(absl::BytesToHexString(
            absl::string_view(reinterpret_cast<const char*>(abc.data()), abc.size())) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Key("abc") == Key("abc"));
  CHECK(Key("abc") != Key("abd"));
}

TEST_CASE("a verified token's claims are found again until erased") {
  VerifiedTokenCache cache(100);
  REQUIRE(cache.enabled());
  CHECK(cache.Find(Key("t1")) == nullptr);
  cache.Insert(Key("t1"), ClaimsWithId("one"));
  VerifiedTokenCache::Claims found = cache.Find(Key("t1"));
  REQUIRE(found != nullptr);
  CHECK(found->id == "one");
  CHECK(cache.Find(Key("t2")) == nullptr);
  cache.Insert(Key("t1"), ClaimsWithId("again"));  // replaces, does not add
  CHECK(cache.Find(Key("t1"))->id == "again");
  CHECK(cache.stats().entries == 1);
  cache.Erase(Key("t1"));
  cache.Erase(Key("never there"));
  CHECK(cache.Find(Key("t1")) == nullptr);
  const VerifiedTokenCache::Stats stats = cache.stats();
  CHECK(stats.hits == 2);
  CHECK(stats.misses == 3);
  CHECK(stats.entries == 0);
}

TEST_CASE("a cache of size 0 is off") {
  VerifiedTokenCache cache(0);
  CHECK_FALSE(cache.enabled());
  cache.Insert(Key("t1"), ClaimsWithId("one"));
  CHECK(cache.Find(Key("t1")) == nullptr);
  CHECK(cache.stats().entries == 0);
  CHECK(cache.stats().misses == 0);  // nothing was looked up
}

TEST_CASE("the cache never holds more than its capacity") {
  for (size_t capacity : {1, 5, 16, 100, 1000}) {
    VerifiedTokenCache cache(capacity);
    for (int i = 0; i < 3000; ++i) {
      cache.Insert(Key(absl::StrCat("token-", i)), ClaimsWithId(absl::StrCat(i)));
    }
    CHECK(cache.stats().entries == capacity);
    // The latest token is always there: it was just inserted.
    REQUIRE(cache.Find(Key("token-2999")) != nullptr);
  }
}

TEST_CASE("a token presented again and again stays while one-off tokens come and go") {
  VerifiedTokenCache cache(160);
  cache.Insert(Key("caller"), ClaimsWithId("caller"));
  for (int i = 0; i < 5000; ++i) {
    cache.Insert(Key(absl::StrCat("once-", i)), ClaimsWithId(absl::StrCat(i)));
    REQUIRE(cache.Find(Key("caller")) != nullptr);
  }
  CHECK(cache.stats().entries == 160);
  // Cycling through more one-off tokens than fit never finds one: the signature path.
  int found = 0;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 1000; ++i) {
      const VerifiedTokenCache::Digest key = Key(absl::StrCat("cycle-", i));
      if (cache.Find(key) != nullptr) ++found;
      cache.Insert(key, ClaimsWithId(absl::StrCat(i)));
    }
  }
  CHECK(found == 0);
}

TEST_CASE("erasing keeps the remaining entries findable") {
  VerifiedTokenCache cache(1000);  // room for all: nothing is evicted
  for (int i = 0; i < 64; ++i)
    cache.Insert(Key(absl::StrCat("t", i)), ClaimsWithId(absl::StrCat(i)));
  for (int i = 0; i < 64; i += 2) cache.Erase(Key(absl::StrCat("t", i)));
  for (int i = 0; i < 64; ++i) {
    VerifiedTokenCache::Claims found = cache.Find(Key(absl::StrCat("t", i)));
    if (i % 2 == 0) {
      CHECK(found == nullptr);
    } else {
      REQUIRE(found != nullptr);
      CHECK(found->id == absl::StrCat(i));
    }
  }
  CHECK(cache.stats().entries == 32);
}

}  // namespace
}  // namespace warden
