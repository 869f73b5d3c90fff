// The sinks through a real notifying run: exact log lines and valid JSON for hostile token
// names, and the webhook's one POST per run with a retry (a local HTTP server).

#include <httplib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "notifier/json_sink.h"
#include "notifier/log_sink.h"
#include "notifier/webhook_sink.h"
#include "storage/pg/migrator.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_database.h"

namespace warden::notifier::testing {
namespace {

struct Hostile {
  std::string name;     // as stored
  std::string escaped;  // as the log line must show it
};

// Names a user could give a token to break a log format or forge a line. Each expires a
// minute later than the previous, so the run reports them in this order.
const std::vector<Hostile>& HostileNames() {
  static const auto* names = new std::vector<Hostile>{
      {R"(quote " and 'single')", R"(quote " and 'single')"},
      {"x\nAPI Token forged (ID 1) will expire in less than 1 day.",
       "x\\nAPI Token forged (ID 1) will expire in less than 1 day."},
      {"cr\rlf\r\n", "cr\\rlf\\r\\n"},
      {"tab\tand \\n literal", "tab\\tand \\\\n literal"},
      {"esc \x1b[31mred\x1b[0m bell\a del\x7f", "esc \\x1b[31mred\\x1b[0m bell\\x07 del\\x7f"},
      {"unicode line\xe2\x80\xa8sep and nel\xc2\x85", "unicode line\\u2028sep and nel\\u0085"},
      {"{\"json\": true}, émoji 🎉", "{\"json\": true}, émoji 🎉"},
  };
  return *names;
}

TEST_CASE("hostile token names give one exact log line and one valid JSON line each",
          "[notifier][sinks]") {
  Database database;
  Replica replica(database.url());
  FakeClock clock(TestNow());
  std::vector<TokenMetadata> tokens;
  for (size_t i = 0; i < HostileNames().size(); ++i) {
    tokens.push_back(replica.InsertToken(HostileNames()[i].name,
                                         TestNow() + absl::Minutes(30 + static_cast<int>(i))));
  }

  std::FILE* json_file = std::tmpfile();
  REQUIRE(json_file != nullptr);
  CapturedWarnings warnings;
  std::vector<std::unique_ptr<ExpirationSink>> sinks;
  sinks.push_back(std::make_unique<LogSink>());
  sinks.push_back(std::make_unique<JsonSink>(json_file));
  RecordedNotifier notifier(TestConfig(), replica, clock, std::move(sinks));
  REQUIRE(notifier.notifier->RunOnce()->complete);

  std::vector<std::string> expected;
  for (size_t i = 0; i < tokens.size(); ++i) {
    expected.push_back(absl::StrCat("API Token ", HostileNames()[i].escaped, " (ID ", tokens[i].id,
                                    ") will expire in less than 1 hour."));
  }
  // The log line adds how to rotate; the JSON record's message is the sentence alone.
  std::vector<std::string> expected_log;
  for (size_t i = 0; i < tokens.size(); ++i) {
    expected_log.push_back(
        absl::StrCat(expected[i], " Rotate it: wardenctl token rotate ", tokens[i].id));
  }
  const std::vector<std::string> logged = TokenWarnings(warnings);
  CHECK(logged == expected_log);
  for (const std::string& line : logged) {
    CHECK(line.find_first_of("\n\r") == std::string::npos);
  }

  std::rewind(json_file);
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, json_file)) > 0;) text.append(buffer, n);
  std::fclose(json_file);
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  REQUIRE(lines.size() == tokens.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    const nlohmann::json record = nlohmann::json::parse(lines[i]);  // throws if not JSON
    CHECK(record.at("event") == "token_expiring");
    CHECK(record.at("token_id") == tokens[i].id);
    CHECK(record.at("token_name") == HostileNames()[i].name);  // exactly as stored
    CHECK(record.at("expires_at") ==
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", tokens[i].expires_at, absl::UTCTimeZone()));
    CHECK(record.at("remaining") == 1);
    CHECK(record.at("slice") == "hour");
    CHECK(record.at("message") == expected[i]);
    CHECK(record.at("how_to_rotate") == "wardenctl token rotate " + tokens[i].id);
  }
}

// A webhook receiver on 127.0.0.1: answers the statuses it is given in turn (then 200) and
// keeps every request body.
class WebhookServer {
 public:
  explicit WebhookServer(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    server_.Post("/hooks/secret-token",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   absl::MutexLock lock(&mu_);
                   bodies_.push_back(req.body);
                   content_types_.push_back(req.get_header_value("Content-Type"));
                   const size_t i = bodies_.size() - 1;
                   res.status = i < statuses_.size() ? statuses_[i] : 200;
                   res.set_content("ok", "text/plain");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~WebhookServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const {
    return absl::StrCat("http://127.0.0.1:", port_, "/hooks/secret-token");
  }
  std::vector<std::string> bodies() const {
    absl::MutexLock lock(&mu_);
    return bodies_;
  }
  std::vector<std::string> content_types() const {
    absl::MutexLock lock(&mu_);
    return content_types_;
  }

 private:
  const std::vector<int> statuses_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<std::string> bodies_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> content_types_ ABSL_GUARDED_BY(mu_);
};

WebhookOptions FastRetries(const std::string& url) {
  WebhookOptions options;
  options.url = url;
  options.timeout = absl::Seconds(5);
  options.first_retry_delay = absl::ZeroDuration();  // tests never wait for a backoff
  return options;
}

TEST_CASE("the webhook gets one POST per run, retried after a 500", "[notifier][webhook]") {
  Database database;
  Replica replica(database.url());
  FakeClock clock(TestNow());
  const TokenMetadata first =
      replica.InsertToken("deploy <!channel> bot", TestNow() + absl::Hours(1));
  const TokenMetadata second = replica.InsertToken("ci", TestNow() + absl::Hours(3));
  replica.InsertToken("not yet", TestNow() + absl::Hours(30));

  WebhookServer server({500});
  CapturedWarnings warnings;
  std::vector<std::unique_ptr<ExpirationSink>> sinks;
  sinks.push_back(std::make_unique<WebhookSink>(FastRetries(server.url())));
  RecordedNotifier notifier(TestConfig(), replica, clock, std::move(sinks));

  absl::StatusOr<RunReport> report = notifier.notifier->RunOnce();
  REQUIRE(report.ok());
  CHECK(report->complete);
  const std::vector<std::string> bodies = server.bodies();
  REQUIRE(bodies.size() == 2);  // the 500, then the retry
  CHECK(bodies[0] == bodies[1]);
  CHECK(server.content_types()[1] == "application/json");
  const nlohmann::json body = nlohmann::json::parse(bodies[1]);
  CHECK(body.at("event") == "token_expiration_summary");
  CHECK(body.at("total") == 2);
  CHECK(body.at("truncated") == false);
  REQUIRE(body.at("tokens").size() == 2);
  CHECK(body.at("tokens")[0].at("token_id") == first.id);
  CHECK(body.at("tokens")[0].at("token_name") == "deploy <!channel> bot");
  CHECK(body.at("tokens")[1].at("token_id") == second.id);
  const std::string text = body.at("text");
  CHECK(text.find("<!channel>") == std::string::npos);  // Slack-escaped
  CHECK(text.find("deploy &lt;!channel&gt; bot") != std::string::npos);
  // The failed attempt is logged, without the URL's secret path.
  bool logged_retry = false;
  for (const std::string& line : warnings.Lines()) {
    CHECK(line.find("secret-token") == std::string::npos);
    logged_retry = logged_retry || line.find("HTTP status 500") != std::string::npos;
  }
  CHECK(logged_retry);

  // Within the backoff, another wake sends nothing.
  clock.Advance(absl::Hours(1));
  CHECK_FALSE(notifier.notifier->RunOnce()->claimed);
  CHECK(server.bodies().size() == 2);
}

TEST_CASE("the webhook gives up after three failed attempts and sends nothing for an empty run",
          "[notifier][webhook]") {
  Database database;
  Replica replica(database.url());
  FakeClock clock(TestNow());
  WebhookServer server({503, 503, 503, 503});
  NotifierConfig config = TestConfig();
  config.backoff = absl::ZeroDuration();  // every wake notifies
  std::vector<std::unique_ptr<ExpirationSink>> sinks;
  sinks.push_back(std::make_unique<WebhookSink>(FastRetries(server.url())));
  RecordedNotifier notifier(config, replica, clock, std::move(sinks));

  REQUIRE(notifier.notifier->RunOnce()->complete);  // no token: no POST
  CHECK(server.bodies().empty());

  replica.InsertToken("soon", TestNow() + absl::Hours(1));
  REQUIRE(notifier.notifier->RunOnce()->complete);
  CHECK(server.bodies().size() == 3);
}

}  // namespace
}  // namespace warden::notifier::testing
