#include "proto/convert/convert.h"

#include <catch2/catch.hpp>

namespace warden {
namespace {

TEST_CASE("token metadata carries its creator's principal and name") {
  TokenMetadata token;
  token.id = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";
  token.name = "ci";
  token.created_by = "user:corp:248289761001";
  token.created_by_name = "Jane Doe";
  v1::TokenMetadata out;
  ToProto(token, &out);
  CHECK(out.created_by() == "user:corp:248289761001");
  CHECK(out.created_by_name() == "Jane Doe");

  token.created_by_name.clear();  // minted before names were recorded
  out.Clear();
  ToProto(token, &out);
  CHECK(out.created_by_name().empty());
}

TEST_CASE("a person's identity has kind USER") {
  Identity identity;
  identity.kind = IdentityKind::kUser;
  identity.id = "corp:248289761001";
  identity.name = "Jane Doe";
  v1::Identity out;
  ToProto(identity, {}, &out);
  CHECK(out.kind() == v1::IDENTITY_KIND_USER);
  CHECK(out.id() == "corp:248289761001");
}

}  // namespace
}  // namespace warden
