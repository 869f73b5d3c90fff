#include "storage/pg/change_feed.h"

#include <algorithm>
#include <memory>
#include <pqxx/pqxx>

#include "glog/logging.h"
#include "storage/pg/connection_options.h"

namespace warden::storage {
namespace {

// Delivers one channel's notifications to the feed's callback.
class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, const std::string& channel,
           const std::function<void(const std::string&, const std::string&)>& deliver)
      : pqxx::notification_receiver(conn, channel), deliver_(deliver) {}

  void operator()(const std::string& payload, int /*backend_pid*/) override {
    deliver_(channel(), payload);
  }

 private:
  const std::function<void(const std::string&, const std::string&)>& deliver_;
};

}  // namespace

ChangeFeed::ChangeFeed(Options options,
                       std::function<void(const std::string&, const std::string&)> on_notification,
                       std::function<void()> on_connected)
    : options_(std::move(options)),
      on_notification_(std::move(on_notification)),
      on_connected_(std::move(on_connected)) {}

ChangeFeed::~ChangeFeed() { Stop(); }

void ChangeFeed::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ChangeFeed::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

std::string ChangeFeed::ListenOnce() {
  try {
    pqxx::connection conn(WithApplicationName(
        WithConnectionOptions(options_.database_url, absl::Seconds(3), std::nullopt),
        kApplicationName));
    std::vector<std::unique_ptr<Receiver>> receivers;
    for (const std::string& channel : options_.channels) {
      receivers.push_back(std::make_unique<Receiver>(conn, channel, on_notification_));
    }
    conn.get_notifs();  // issues the LISTENs
    on_connected_();
    while (!stop_.HasBeenNotified()) {
      conn.await_notification(0, 500 * 1000);  // wakes at least twice a second to see Stop()
    }
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

void ChangeFeed::Run() {
  absl::Duration backoff = absl::Milliseconds(100);
  while (!stop_.HasBeenNotified()) {
    std::string error = ListenOnce();
    if (stop_.HasBeenNotified()) return;
    // The message names the server, never credentials (libpq does not echo passwords).
    LOG(WARNING) << "change feed lost its database connection (" << error.substr(0, 200)
                 << "); reconnecting in " << absl::FormatDuration(backoff);
    if (stop_.WaitForNotificationWithTimeout(backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace warden::storage
