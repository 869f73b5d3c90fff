// The fast JSON path of the Connect codec (server/http/fast_json.h) held to protobuf's own
// JSON util, which it stands in for: every answer it writes must be the very bytes protobuf
// writes (map entries in protobuf's deterministic order), and every request it reads must be
// one protobuf reads, to the same message. Hand-picked cases, then seeded random ones.

#include "server/http/fast_json.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "server/http/connect_codec.h"
#include "tests/support/default_resources.h"
#include "warden/v1/auth.pb.h"
#include "warden/v1/token.pb.h"

namespace warden::http {
namespace {

namespace pb = google::protobuf;

// What protobuf's printer writes for `message` with the codec's options, from its
// deterministic serialization (map entries sorted by key).
std::string ProtobufJson(const pb::Message& message) {
  static pb::util::TypeResolver* resolver = pb::util::NewTypeResolverForDescriptorPool(
      "type.googleapis.com", pb::DescriptorPool::generated_pool());
  std::string binary;
  {
    pb::io::StringOutputStream stream(&binary);
    pb::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  std::string json;
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  const auto status = pb::util::BinaryToJsonString(
      resolver, "type.googleapis.com/" + message.GetDescriptor()->full_name(), binary, &json,
      options);
  if (!status.ok()) return "error: " + status.ToString();
  return json;
}

// Holds the fast writer to protobuf for `message`: when it writes, it writes protobuf's
// bytes, and what EncodeMessage answers means the same as what it answered before
// (protobuf's util, map entries in whatever order).
bool WritesAsProtobuf(const pb::Message& message) {
  std::string fast = "untouched";
  const bool handled = EncodeJsonFast(message, &fast);
  if (!handled) {
    CHECK(fast == "untouched");
    return false;
  }
  CHECK(fast == ProtobufJson(message));
  std::string util;
  pb::util::JsonPrintOptions options;
  (void)pb::util::MessageToJsonString(message, &util, options);
  CHECK(nlohmann::json::parse(EncodeMessage(Codec::kJson, message)) == nlohmann::json::parse(util));
  return true;
}

std::string Utf8(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
  return out;
}

// An identity like the one ValidateToken answers for an "Analyst" token: every seeded
// resource.
v1::Identity AnalystIdentity() {
  v1::Identity identity;
  identity.set_kind(v1::IDENTITY_KIND_API_TOKEN);
  identity.set_id("0b9f6f4e-8a51-4c1e-9d7b-2f0c8e4e7a11");
  identity.set_name("bench analyst");
  identity.add_roles("Analyst");
  for (const std::string& resource : DefaultResources()) {
    (*identity.mutable_permissions())[resource] = v1::ACCESS_LEVEL_READ_ACCESS;
  }
  identity.mutable_expiration()->set_seconds(1'800'000'000);
  identity.set_token_id("0b9f6f4e-8a51-4c1e-9d7b-2f0c8e4e7a11");
  return identity;
}

TEST_CASE("the fast writer writes ValidateToken's answer as protobuf does") {
  v1::ValidateTokenResponse response;
  *response.mutable_identity() = AnalystIdentity();
  CHECK(WritesAsProtobuf(response));
  std::string json;
  REQUIRE(EncodeJsonFast(response, &json));
  // Entries sorted by key, names lowerCamelCase, enums by name.
  CHECK_THAT(json, Catch::StartsWith(R"({"identity":{"kind":"IDENTITY_KIND_API_TOKEN","id":)"));
  CHECK_THAT(json, Catch::Contains(R"("permissions":{"Access":"ACCESS_LEVEL_READ_ACCESS",)"));
  CHECK_THAT(json, Catch::Contains(R"("expiration":"2027-01-15T08:00:00Z","tokenId":)"));

  v1::GetAuthStatusResponse status;
  *status.mutable_identity() = AnalystIdentity();
  CHECK(WritesAsProtobuf(status));
}

TEST_CASE("the fast writer leaves out defaults as protobuf does") {
  v1::ValidateTokenResponse empty;
  CHECK(WritesAsProtobuf(empty));
  v1::ValidateTokenResponse blank_identity;
  blank_identity.mutable_identity();
  CHECK(WritesAsProtobuf(blank_identity));
  std::string json;
  REQUIRE(EncodeJsonFast(blank_identity, &json));
  CHECK(json == R"({"identity":{}})");

  // A set timestamp is written even at the epoch; a map value of zero is written by name.
  v1::ValidateTokenResponse zeros;
  zeros.mutable_identity()->mutable_expiration();
  (*zeros.mutable_identity()->mutable_permissions())[""] = v1::ACCESS_LEVEL_UNSPECIFIED;
  zeros.mutable_identity()->add_roles("");
  zeros.mutable_identity()->add_claims();
  zeros.mutable_identity()->add_claims()->add_values("");
  CHECK(WritesAsProtobuf(zeros));

  v1::ValidateTokenResponse person;
  v1::Identity& identity = *person.mutable_identity();
  identity.set_kind(v1::IDENTITY_KIND_USER);
  identity.set_id("okta:00u1");
  identity.set_auth_provider("okta");
  v1::IdentityClaim& claim = *identity.add_claims();
  claim.set_key("groups");
  claim.add_values("ops");
  claim.add_values("dev");
  identity.add_claims()->set_key("email");
  CHECK(WritesAsProtobuf(person));
}

TEST_CASE("the fast writer escapes every code point as protobuf does") {
  // Every Unicode scalar value, 256 to a string, in a name, a role, a map key and a claim.
  for (uint32_t first = 0; first <= 0x10ffff; first += 256) {
    std::string text;
    for (uint32_t cp = first; cp < first + 256; ++cp) {
      if (cp < 0xd800 || cp > 0xdfff) text += Utf8(cp);
    }
    v1::ValidateTokenResponse response;
    v1::Identity& identity = *response.mutable_identity();
    identity.set_name(text);
    identity.add_roles(text);
    (*identity.mutable_permissions())[text] = v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
    identity.add_claims()->add_values(text);
    INFO("code points from " << first);
    CHECK(WritesAsProtobuf(response));
  }
}

TEST_CASE("the fast writer formats timestamps as protobuf does") {
  const int64_t seconds[] = {-62135596800, -62135596799,  -1,           0,          1,
                             951782400,    1'800'000'000, 253402300799, 4102444800, -2208988800,
                             68169600};
  const int32_t nanos[] = {0,     1,           999'999'999, 1'000'000,  120'000'000,
                           1'000, 123'456'000, 123'456'789, 500'000'000};
  for (int64_t s : seconds) {
    for (int32_t n : nanos) {
      v1::ValidateTokenResponse response;
      response.mutable_identity()->mutable_expiration()->set_seconds(s);
      response.mutable_identity()->mutable_expiration()->set_nanos(n);
      INFO(s << "s " << n << "ns");
      CHECK(WritesAsProtobuf(response));
    }
  }
  std::mt19937_64 random(20261206);
  std::uniform_int_distribution<int64_t> any_second(-62135596800, 253402300799);
  for (int i = 0; i < 20000; ++i) {
    v1::ValidateTokenResponse response;
    response.mutable_identity()->mutable_expiration()->set_seconds(any_second(random));
    INFO(response.identity().expiration().seconds());
    CHECK(WritesAsProtobuf(response));
  }
}

TEST_CASE("the fast writer declines what it cannot write as protobuf does") {
  const auto declines = [](const v1::ValidateTokenResponse& response) {
    std::string json = "untouched";
    CHECK_FALSE(EncodeJsonFast(response, &json));
    CHECK(json == "untouched");
    // EncodeMessage then answers what protobuf's util answers (at most one map entry here,
    // so that the util's order is the only one).
    std::string util;
    (void)pb::util::MessageToJsonString(response, &util, pb::util::JsonPrintOptions());
    CHECK(EncodeMessage(Codec::kJson, response) == util);
  };
  v1::ValidateTokenResponse bad_utf8;
  bad_utf8.mutable_identity()->set_name("caf\xc3");
  declines(bad_utf8);
  for (const char* bytes : {"\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xff"}) {
    v1::ValidateTokenResponse response;
    (*response.mutable_identity()->mutable_permissions())[bytes] = v1::ACCESS_LEVEL_READ_ACCESS;
    declines(response);
  }
  v1::ValidateTokenResponse unknown_kind;
  unknown_kind.mutable_identity()->set_kind(static_cast<v1::IdentityKind>(42));
  declines(unknown_kind);
  v1::ValidateTokenResponse unknown_level;
  (*unknown_level.mutable_identity()->mutable_permissions())["Access"] =
      static_cast<v1::AccessLevel>(7);
  declines(unknown_level);
  for (const auto& [s, n] : std::vector<std::pair<int64_t, int32_t>>{
           {-62135596801, 0}, {253402300800, 0}, {0, -1}, {0, 1'000'000'000}}) {
    v1::ValidateTokenResponse response;
    response.mutable_identity()->mutable_expiration()->set_seconds(s);
    response.mutable_identity()->mutable_expiration()->set_nanos(n);
    declines(response);
  }
  v1::ValidateTokenResponse unknown_field;
  v1::Identity* identity = unknown_field.mutable_identity();
  identity->GetReflection()->MutableUnknownFields(identity)->AddVarint(99, 1);
  declines(unknown_field);
  // Other messages are protobuf's to write.
  v1::ListTokensRequest other;
  other.set_include_expired(true);
  std::string json;
  CHECK_FALSE(EncodeJsonFast(other, &json));
}

// A random string: mostly printable ASCII, with control characters, the characters protobuf
// escapes, multi-byte and supplementary code points.
std::string RandomText(std::mt19937_64& random) {
  static const uint32_t kSpecial[] = {
      0x00,    0x08,    0x09,    0x0a,    0x0b,    0x0c,    0x0d,    0x1f,    '"',     '\\',
      '/',     '<',     '>',     '&',     '\'',    0x7f,    0x80,    0x9f,    0xa0,    0xad,
      0xe9,    0x600,   0x603,   0x604,   0x6dd,   0x70f,   0x17b4,  0x17b5,  0x200a,  0x200b,
      0x200f,  0x2010,  0x2027,  0x2028,  0x202e,  0x202f,  0x2060,  0x2064,  0x2065,  0x206a,
      0x206f,  0xfeff,  0xfff8,  0xfff9,  0xfffb,  0xfffc,  0xffff,  0x10000, 0x1d172, 0x1d173,
      0x1d17a, 0x1d17b, 0x1f600, 0xe0000, 0xe0001, 0xe0020, 0xe007f, 0xe0080, 0x10ffff};
  const size_t length = random() % 12;
  std::string text;
  for (size_t i = 0; i < length; ++i) {
    switch (random() % 6) {
      case 0:
      case 1:
      case 2:
        text.push_back(static_cast<char>(0x20 + random() % 0x5f));
        break;
      case 3:
        text += Utf8(kSpecial[random() % std::size(kSpecial)]);
        break;
      case 4: {
        uint32_t cp = static_cast<uint32_t>(random() % 0x110000);
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xe000;
        text += Utf8(cp);
        break;
      }
      default:
        text += Utf8(static_cast<uint32_t>(random() % 0x100));
    }
  }
  return text;
}

TEST_CASE("the fast writer matches protobuf on random identities") {
  std::mt19937_64 random(19);
  int written = 0;
  constexpr int kRounds = 3000;
  for (int round = 0; round < kRounds; ++round) {
    v1::ValidateTokenResponse response;
    v1::Identity& identity = *response.mutable_identity();
    identity.set_kind(static_cast<v1::IdentityKind>(random() % 5));
    identity.set_id(RandomText(random));
    identity.set_name(RandomText(random));
    for (size_t i = random() % 4; i > 0; --i) identity.add_roles(RandomText(random));
    for (size_t i = random() % 30; i > 0; --i) {
      (*identity.mutable_permissions())[RandomText(random)] =
          static_cast<v1::AccessLevel>(random() % 4);
    }
    if (random() % 2 == 0) {
      identity.mutable_expiration()->set_seconds(static_cast<int64_t>(random() % 4'000'000'000));
      identity.mutable_expiration()->set_nanos(static_cast<int32_t>(random() % 3) * 1'000'000);
    }
    if (random() % 4 == 0) identity.set_auth_provider(RandomText(random));
    for (size_t i = random() % 3; i > 0; --i) {
      v1::IdentityClaim& claim = *identity.add_claims();
      claim.set_key(RandomText(random));
      for (size_t j = random() % 3; j > 0; --j) claim.add_values(RandomText(random));
    }
    identity.set_token_id(RandomText(random));
    INFO(identity.ShortDebugString());
    if (WritesAsProtobuf(response)) ++written;
  }
  // Only valid UTF-8 and valid enums were generated: every one is the fast path's.
  CHECK(written == kRounds);
}

// Holds the fast reader to protobuf's parser for `json`: whatever it accepts, protobuf
// accepts, into the same message. Returns whether it accepted.
bool ReadsAsProtobuf(const std::string& json) {
  v1::ValidateTokenRequest fast;
  fast.set_token("before");
  const bool handled = DecodeJsonFast(json, &fast);
  if (!handled) {
    CHECK(fast.token() == "before");
    return false;
  }
  v1::ValidateTokenRequest reference;
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = pb::util::JsonStringToMessage(json, &reference, options);
  CHECK(parsed.ok());
  CHECK(pb::util::MessageDifferencer::Equals(fast, reference));
  return true;
}

TEST_CASE("the fast reader reads the plain ValidateToken request as protobuf does") {
  const std::string token = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ4In0.c2ln-_";
  for (const std::string& json : {
           R"({"token":")" + token + R"("})",
           R"( { "token" : ")" + token + R"(" } )",
           "\n\t{\r\n\"token\"\t:\n\"" + token + "\"\r}\n",
           std::string(R"({"token":""})"),
           std::string(R"({"token":" !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~"})"),
           std::string("{}"),
           std::string(" {  } "),
       }) {
    INFO(json);
    CHECK(ReadsAsProtobuf(json));
  }
}

TEST_CASE("the fast reader leaves every other form to protobuf's parser") {
  for (const std::string& json : std::vector<std::string>{
           R"({"token":"a\"b"})",
           R"({"token":"a\\b"})",
           R"({"token":"\u0041"})",
           R"({"token":"a\/b"})",
           R"({"token":null})",
           R"({"token":5})",
           R"({"token":true})",
           R"({"token":["a"]})",
           R"({"token":{}})",
           R"({"Token":"a"})",
           R"({"token ":"a"})",
           R"({"tok\u0065n":"a"})",
           R"({"token":"a","token":"b"})",
           R"({"token":"a",})",
           R"({"token":"a"}})",
           R"({"token":"a"} x)",
           R"({"name":"a"})",
           R"({'token':'a'})",
           R"({token:"a"})",
           "{\"token\":\"caf\xc3\xa9\"}",
           "{\"token\":\"a\tb\"}",
           "{\"token\":\"a\x7f\"}",
           "\xef\xbb\xbf{}",
           "{\"token\":\"a\"}\v",
           "\f{}",
           "[]",
           "{",
           "}",
           "\"token\"",
           R"({"token":"a")",
           R"({"token")",
           R"({"token":)",
           "{\"token\":\"a",
           std::string("{\0}", 3),
           "{}}",
           "{}{}",
       }) {
    INFO(json);
    CHECK_FALSE(ReadsAsProtobuf(json));
    // DecodeMessage answers them as protobuf's parser does (OK or INVALID_ARGUMENT).
    v1::ValidateTokenRequest decoded;
    v1::ValidateTokenRequest reference;
    const auto parsed = pb::util::JsonStringToMessage(json, &reference);
    const absl::Status status = DecodeMessage(Codec::kJson, json, &decoded);
    CHECK(status.ok() == parsed.ok());
    if (!status.ok()) CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    if (status.ok()) CHECK(pb::util::MessageDifferencer::Equals(decoded, reference));
  }
  // Other messages are protobuf's to read.
  v1::GetTokenRequest other;
  CHECK_FALSE(DecodeJsonFast(R"({"token":"a"})", &other));
}

TEST_CASE("the fast reader matches protobuf on random edits of requests") {
  std::mt19937_64 random(15);
  const std::string seeds[] = {R"({"token":"abc.DEF-_09"})", R"( { "token" : "x" } )", "{}",
                               R"({"token":"a\"b"})", R"({"token":null})"};
  const std::string alphabet = "{}[]\":,\\ \t\n\r\v\ftokenTOKul0159.-_/ntrufalse\x7f\x01\xc3\xa9";
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string json = seeds[random() % std::size(seeds)];
    for (size_t edits = 1 + random() % 3; edits > 0; --edits) {
      const size_t at = json.empty() ? 0 : random() % (json.size() + 1);
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          json.insert(json.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        case 1:
          if (at < json.size()) json.erase(at, 1);
          break;
        default:
          if (at < json.size()) json[at] = c;
      }
    }
    INFO(json);
    if (ReadsAsProtobuf(json)) ++accepted;
  }
  // The edits keep many requests in the plain form, which the fast reader takes.
  CHECK(accepted > 1000);
}

}  // namespace
}  // namespace warden::http
