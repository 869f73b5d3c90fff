#pragma once

// Conversions between C++ values and query parameters/columns, shared by the stores.
// Internal to storage/.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::storage {

// Instants cross the wire as exact microseconds since the Unix epoch (absl::Time is truncated
// to microseconds, PostgreSQL's precision). In SQL, a bigint parameter becomes a timestamptz
// by `'epoch'::timestamptz + $n::bigint * interval '1 microsecond'` and a timestamptz column
// a bigint by `(extract(epoch FROM col) * 1000000)::bigint` (extract is exact numeric).
inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

// A PostgreSQL array literal for a text[] parameter: every element double-quoted, with `"`
// and `\` escaped, so any string (commas, braces, quotes, "NULL", unicode) survives exactly.
std::string TextArrayLiteral(const std::vector<std::string>& values);

// The same for an array of any element type whose text form PostgreSQL parses (bigint[],
// uuid[], boolean[] ...: `$n::bigint[]`), with NULL for each unset element.
std::string NullableArrayLiteral(const std::vector<std::optional<std::string>>& values);

// Parses a text[] column selected as `array_to_json(col)::text` (JSON has one unambiguous
// quoting; libpqxx 6.4's array_parser mangles elements such as 'quoted'). INTERNAL on
// anything but a flat array of strings.
absl::StatusOr<std::vector<std::string>> ParseJsonTextArray(const std::string& json);

}  // namespace warden::storage
