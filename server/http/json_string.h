#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace warden::http {

// Appends `text` to `out` as a quoted JSON string, escaped byte for byte as protobuf 3.21's
// JSON printer (google::protobuf::util::MessageToJsonString) escapes strings and field
// names: '"' and '\\' as \" and \\; \b \t \n \f \r; every other control character, DEL
// and the C1 controls (U+0080..U+009F) as \u00XX; '<' and '>' as \u003c and \u003e; the
// invisible and formatting code points it lists for JavaScript's sake (U+00AD, U+2028,
// U+FEFF, ...) as \uXXXX (supplementary ones as a surrogate pair); everything else as the
// UTF-8 it is. Hex digits in lower case, as protobuf writes them.
//
// Returns false when `text` is not valid UTF-8 (protobuf then drops bytes silently rather
// than refusing: callers fall back to protobuf's printer instead of imitating that); `out`
// then holds a partial string and must be discarded.
bool AppendProtobufJsonString(absl::string_view text, std::string* out);

}  // namespace warden::http
