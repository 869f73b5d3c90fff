#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "notifier/expiration_sink.h"

namespace warden::notifier {

// One JSON object per token, one per line (JSON Lines), for log pipelines:
//   {"event":"token_expiring","time":"...","token_id":"...","token_name":"...",
//    "expires_at":"2024-05-01T12:00:00Z","remaining":2,"slice":"day","message":"API Token ..."}
// Any name, whatever its quotes or control characters, stays inside its string (JSON escapes
// them); bytes that are not UTF-8 are replaced by U+FFFD. A batch is written with one stdio
// call and flushed, so lines never interleave with other writers of the same FILE* in this
// process (glog, on stderr). Thread-safe.
class JsonSink final : public ExpirationSink {
 public:
  // Writes to `out`, which stays open and outlives the sink (stderr, stdout).
  explicit JsonSink(std::FILE* out);
  // Appends to the file at `path`, created with mode 0640 if missing. Errors: as errno says,
  // naming the path.
  static absl::StatusOr<std::unique_ptr<JsonSink>> Open(const std::string& path);
  ~JsonSink() override;

  JsonSink(const JsonSink&) = delete;
  JsonSink& operator=(const JsonSink&) = delete;

  void Emit(const ExpiringTokenBatch& batch) override;

 private:
  JsonSink(std::FILE* out, bool owned);

  absl::Mutex mu_;
  std::FILE* const out_;
  const bool owned_;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;  // logged the first write error already
};

}  // namespace warden::notifier
