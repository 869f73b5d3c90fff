#include "notifier/sinks_from_config.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "notifier/json_sink.h"
#include "notifier/log_sink.h"
#include "notifier/webhook_sink.h"

namespace warden::notifier {

absl::StatusOr<std::vector<std::unique_ptr<ExpirationSink>>> SinksFromConfig(
    const NotifierConfig& config) {
  std::vector<std::unique_ptr<ExpirationSink>> sinks;
  sinks.push_back(std::make_unique<LogSink>());
  if (config.json_log == "stderr") {
    sinks.push_back(std::make_unique<JsonSink>(stderr));
  } else if (config.json_log == "stdout") {
    sinks.push_back(std::make_unique<JsonSink>(stdout));
  } else if (config.json_log != "off") {
    absl::StatusOr<std::unique_ptr<JsonSink>> file = JsonSink::Open(config.json_log);
    if (!file.ok()) {
      return absl::Status(file.status().code(),
                          absl::StrCat("WARDEN_NOTIFIER_JSON_LOG: ", file.status().message()));
    }
    sinks.push_back(*std::move(file));
  }
  if (!config.webhook_url.empty()) {
    WebhookOptions options;
    options.url = config.webhook_url;
    options.timeout = config.webhook_timeout;
    sinks.push_back(std::make_unique<WebhookSink>(std::move(options)));
  }
  return sinks;
}

}  // namespace warden::notifier
