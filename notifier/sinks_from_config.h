#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "notifier/expiration_sink.h"
#include "notifier/notifier_config.h"

namespace warden::notifier {

// The sinks `config` asks for, in this order: the glog warning (always); the JSON log
// (unless json_log is "off"; "stderr", "stdout" or a file opened for appending); the webhook
// (when webhook_url is set; 3 attempts, retries after 1s then 2s, webhook_timeout each).
// Errors: a JSON log file that cannot be opened (naming the file and
// WARDEN_NOTIFIER_JSON_LOG). Called once at start-up, by the composition root.
absl::StatusOr<std::vector<std::unique_ptr<ExpirationSink>>> SinksFromConfig(
    const NotifierConfig& config);

}  // namespace warden::notifier
