#include "notifier/log_sink.h"

#include "glog/logging.h"

namespace warden::notifier {

void LogSink::Emit(const ExpiringTokenBatch& batch) {
  for (const ExpiringTokenNotice& notice : batch.tokens) LOG(WARNING) << notice.message;
}

}  // namespace warden::notifier
