#pragma once

// What every fuzz target shares: an invariant check that crashes (so libFuzzer keeps the
// input), and byte views of the input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Aborts with the failed condition when an invariant does not hold. Not assert(): it must
// stay armed in every build type, and abort() is what libFuzzer reports as a crash.
#define FUZZ_CHECK(condition)                                                                     \
  do {                                                                                            \
    if (!(condition)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                               \
    }                                                                                             \
  } while (0)

// As FUZZ_CHECK, also printing a status (the usual "why did it fail" detail).
#define FUZZ_CHECK_STATUS(condition, status)                                                      \
  do {                                                                                            \
    if (!(condition)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s (status: %s)\n", __FILE__, __LINE__, \
                   #condition, std::string((status).ToString()).c_str());                         \
      std::abort();                                                                               \
    }                                                                                             \
  } while (0)

namespace warden::fuzz {

inline std::string_view AsStringView(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Debian's Abseil has its own string_view; convert explicitly at the boundary.
inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace warden::fuzz
