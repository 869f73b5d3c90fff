#pragma once

#include "notifier/expiration_sink.h"

namespace warden::notifier {

// One glog WARNING per token, exactly the notice's message (SPEC §5):
//   API Token <name> (ID <id>) will expire in less than <N> days.
// The name in it is escaped (EscapeForLogLine), so each warning is one line.
// Thread-safe (glog serializes its writes).
class LogSink final : public ExpirationSink {
 public:
  void Emit(const ExpiringTokenBatch& batch) override;
};

}  // namespace warden::notifier
