#pragma once

#include "notifier/expiration_sink.h"

namespace warden::notifier {

// One glog WARNING per token: the notice's message (SPEC §5), and for an expiring token how
// to replace it (issue 18):
//   API Token <name> (ID <id>) will expire in less than <N> days. Rotate it: wardenctl token
//   rotate <id>
// (one line). The name in it is escaped (EscapeForLogLine), so each warning is one line.
// Thread-safe (glog serializes its writes).
class LogSink final : public ExpirationSink {
 public:
  void Emit(const ExpiringTokenBatch& batch) override;
};

}  // namespace warden::notifier
