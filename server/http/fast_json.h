#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "absl/strings/string_view.h"

namespace warden::http {

// The Connect codec's fast path for its hottest JSON messages (docs/performance.md, "Where
// the time goes": protobuf 3.21's util JSON costs ~40 µs per ValidateToken call, most of
// it in rendering the identity's permission map through a type resolver). Each function
// either does the whole job, with exactly the result protobuf's util would give, or
// declines (false), and the caller goes through protobuf's util as before. So they decline
// whatever they do not know to be simple; tests/unit/http/fast_json_test.cc holds both to
// protobuf's own results.

// Writes `message` as protobuf's JSON printer does with the codec's options
// (lowerCamelCase names, default values omitted, enums by name), for ValidateTokenResponse
// and GetAuthStatusResponse (an Identity). The one difference is the order of map entries,
// which protobuf 3.21 leaves to its hash table and this writes sorted by key (as
// protobuf's deterministic serialization orders them). Declines other messages, and
// identities holding unknown fields, enum values outside their enum, a timestamp out of
// JSON's range, or strings that are not UTF-8. On false `out` is unchanged.
bool EncodeJsonFast(const google::protobuf::Message& message, std::string* out);

// Reads `json` into `out` as protobuf's JSON parser does, for a ValidateTokenRequest in the
// simple form: an object with at most the field "token", its value a string of printable
// ASCII without escapes, JSON whitespace between tokens. Declines everything else
// (escapes, null, other fields, other types, any other message), which protobuf's parser
// then accepts or refuses as before. On false `out` is unchanged.
bool DecodeJsonFast(absl::string_view json, google::protobuf::Message* out);

}  // namespace warden::http
