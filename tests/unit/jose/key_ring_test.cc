#include "validation/jose/key_ring.h"

#include <catch2/catch.hpp>

namespace warden::jose {
namespace {

std::shared_ptr<const SigningKey> PublicHalf(const SigningKey& key) {
  auto public_only = SigningKey::FromPem(key.PublicKeyPem());
  REQUIRE(public_only.ok());
  return *public_only;
}

TEST_CASE("KeyRing signs with the first key and finds every key by kid", "[key_ring]") {
  const auto signer = SigningKey::Generate(JwsAlgorithm::kEs256);
  const auto old_rsa = SigningKey::Generate(JwsAlgorithm::kRs256);
  const auto old_ed = PublicHalf(*SigningKey::Generate(JwsAlgorithm::kEdDsa));
  const auto ring = KeyRing::Create({signer, old_rsa, old_ed});
  REQUIRE(ring.ok());
  CHECK(&ring->signer() == signer.get());
  CHECK(ring->Find(signer->kid()) == signer.get());
  CHECK(ring->Find(old_rsa->kid()) == old_rsa.get());
  CHECK(ring->Find(old_ed->kid()) == old_ed.get());
  CHECK(ring->Find("unknown") == nullptr);
  CHECK(ring->Find("") == nullptr);
  const auto keys = ring->keys();
  REQUIRE(keys.size() == 3);
  CHECK(keys[0] == signer);
  CHECK(keys[2] == old_ed);

  const KeyRing copy = *ring;  // Copies share the keys.
  CHECK(&copy.signer() == signer.get());
}

TEST_CASE("KeyRing::Create rejects bad key lists", "[key_ring]") {
  const auto key = SigningKey::Generate(JwsAlgorithm::kEs256);
  SECTION("empty") {
    CHECK(KeyRing::Create({}).status().code() == absl::StatusCode::kInvalidArgument);
  }
  SECTION("null key") {
    CHECK(KeyRing::Create({key, nullptr}).status().code() == absl::StatusCode::kInvalidArgument);
  }
  SECTION("public-only signer") {
    CHECK(KeyRing::Create({PublicHalf(*key), key}).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }
  SECTION("the same key twice, even as its public half") {
    CHECK(KeyRing::Create({key, key}).status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(KeyRing::Create({key, PublicHalf(*key)}).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace warden::jose
