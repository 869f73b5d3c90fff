#include "notifier/notifier_config.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "notifier/json_sink.h"
#include "notifier/log_sink.h"
#include "notifier/sinks_from_config.h"
#include "notifier/webhook_sink.h"

namespace warden::notifier {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST_CASE("defaults are SPEC §5's", "[notifier][config]") {
  absl::StatusOr<NotifierConfig> config = ParseNotifierConfig(Env({}));
  REQUIRE(config.ok());
  CHECK(config->interval == absl::Hours(1));
  CHECK(config->backoff == absl::Hours(24));
  CHECK(config->window == absl::Hours(168));
  CHECK(config->slice == absl::Hours(24));
  CHECK(config->slice_name == "day");
  CHECK(config->threads == 2);
  CHECK(config->json_log == "stderr");
  CHECK(config->webhook_url.empty());
  CHECK(config->webhook_timeout == absl::Seconds(10));
  CHECK(config->page_size == 1000);
}

TEST_CASE("every variable is read, durations Go-style", "[notifier][config]") {
  absl::StatusOr<NotifierConfig> config = ParseNotifierConfig(Env({
      {"ROX_TOKEN_EXPIRATION_NOTIFIER_INTERVAL", "90m"},
      {"ROX_TOKEN_EXPIRATION_NOTIFIER_BACKOFF_INTERVAL", "12h"},
      {"ROX_TOKEN_EXPIRATION_DETECTION_WINDOW", "1h30m"},
      {"ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION", "1h"},
      {"ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION_NAME", "hour"},
      {"WARDEN_NOTIFIER_THREADS", "4"},
      {"WARDEN_NOTIFIER_JSON_LOG", "/var/log/warden/expiring.jsonl"},
      {"WARDEN_NOTIFIER_WEBHOOK_URL", "https://hooks.example.com/services/T/B/x"},
      {"WARDEN_NOTIFIER_WEBHOOK_TIMEOUT", "3s"},
  }));
  REQUIRE(config.ok());
  CHECK(config->interval == absl::Minutes(90));
  CHECK(config->backoff == absl::Hours(12));
  CHECK(config->window == absl::Minutes(90));
  CHECK(config->slice == absl::Hours(1));
  CHECK(config->slice_name == "hour");
  CHECK(config->threads == 4);
  CHECK(config->json_log == "/var/log/warden/expiring.jsonl");
  CHECK(config->webhook_url == "https://hooks.example.com/services/T/B/x");
  CHECK(config->webhook_timeout == absl::Seconds(3));
}

TEST_CASE("a bad value is INVALID_ARGUMENT naming its variable", "[notifier][config]") {
  const std::pair<const char*, const char*> bad[] = {
      {"ROX_TOKEN_EXPIRATION_NOTIFIER_INTERVAL", "1 hour"},
      {"ROX_TOKEN_EXPIRATION_NOTIFIER_INTERVAL", "500ms"},
      {"ROX_TOKEN_EXPIRATION_NOTIFIER_INTERVAL", "inf"},
      {"ROX_TOKEN_EXPIRATION_NOTIFIER_BACKOFF_INTERVAL", "-1h"},
      {"ROX_TOKEN_EXPIRATION_NOTIFIER_BACKOFF_INTERVAL", "24"},
      {"ROX_TOKEN_EXPIRATION_DETECTION_WINDOW", "0s"},
      {"ROX_TOKEN_EXPIRATION_DETECTION_WINDOW", "7d"},
      {"ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION", "0"},
      {"ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION", ""},
      {"ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION_NAME", ""},
      {"ROX_TOKEN_EXPIRATION_LOG_SLICE_DURATION_NAME", "day\n"},
      {"WARDEN_NOTIFIER_THREADS", "0"},
      {"WARDEN_NOTIFIER_THREADS", "65"},
      {"WARDEN_NOTIFIER_THREADS", "two"},
      {"WARDEN_NOTIFIER_JSON_LOG", ""},
      {"WARDEN_NOTIFIER_WEBHOOK_URL", "ftp://example.com/x"},
      {"WARDEN_NOTIFIER_WEBHOOK_TIMEOUT", "0s"},
  };
  for (const auto& [variable, value] : bad) {
    absl::StatusOr<NotifierConfig> config = ParseNotifierConfig(Env({{variable, value}}));
    INFO(variable << "=" << value << " -> " << config.status());
    CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(config.status().message(), variable));
  }
}

TEST_CASE("a bad webhook URL is not echoed", "[notifier][config]") {
  absl::StatusOr<NotifierConfig> config = ParseNotifierConfig(
      Env({{"WARDEN_NOTIFIER_WEBHOOK_URL", "hooks.example.com/services/SECRET"}}));
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_FALSE(absl::StrContains(config.status().message(), "SECRET"));
}

TEST_CASE("an empty webhook URL means no webhook", "[notifier][config]") {
  absl::StatusOr<NotifierConfig> config =
      ParseNotifierConfig(Env({{"WARDEN_NOTIFIER_WEBHOOK_URL", ""}}));
  REQUIRE(config.ok());
  CHECK(config->webhook_url.empty());
}

// The kinds of the sinks a config makes, in order: which ones, not just how many.
std::vector<std::string> SinkKinds(const NotifierConfig& config) {
  absl::StatusOr<std::vector<std::unique_ptr<ExpirationSink>>> sinks = SinksFromConfig(config);
  REQUIRE(sinks.ok());
  std::vector<std::string> kinds;
  for (const auto& sink : *sinks) {
    if (dynamic_cast<const LogSink*>(sink.get()) != nullptr) {
      kinds.push_back("log");
    } else if (dynamic_cast<const JsonSink*>(sink.get()) != nullptr) {
      kinds.push_back("json");
    } else if (dynamic_cast<const WebhookSink*>(sink.get()) != nullptr) {
      kinds.push_back("webhook");
    } else {
      kinds.push_back("unknown");
    }
  }
  return kinds;
}

TEST_CASE("the sinks follow the config", "[notifier][config]") {
  using Kinds = std::vector<std::string>;
  NotifierConfig config;
  CHECK(SinkKinds(config) == Kinds{"log", "json"});  // glog + JSON on stderr
  config.json_log = "off";
  CHECK(SinkKinds(config) == Kinds{"log"});
  config.webhook_url = "http://127.0.0.1:9/hook";
  CHECK(SinkKinds(config) == Kinds{"log", "webhook"});
  config.json_log = "/nonexistent-dir/expiring.jsonl";
  absl::StatusOr<std::vector<std::unique_ptr<ExpirationSink>>> sinks = SinksFromConfig(config);
  CHECK_FALSE(sinks.ok());
  CHECK(absl::StrContains(sinks.status().message(), "WARDEN_NOTIFIER_JSON_LOG"));
  CHECK(absl::StrContains(sinks.status().message(), "/nonexistent-dir/expiring.jsonl"));
}

}  // namespace
}  // namespace warden::notifier
