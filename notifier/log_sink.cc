#include "notifier/log_sink.h"

#include "glog/logging.h"
#include "notifier/notice_json.h"

namespace warden::notifier {

void LogSink::Emit(const ExpiringTokenBatch& batch) {
  for (const ExpiringTokenNotice& notice : batch.tokens) {
    if (notice.kind == NoticeKind::kExpiring) {
      LOG(WARNING) << notice.message << " Rotate it: " << HowToRotate(notice.token_id);
    } else {
      LOG(WARNING) << notice.message;
    }
  }
}

}  // namespace warden::notifier
