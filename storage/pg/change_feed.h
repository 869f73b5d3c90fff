#pragma once

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace warden::storage {

// Listens for PostgreSQL notifications on a dedicated connection (LISTEN/NOTIFY) and hands
// each one to `on_notification(channel, payload)` on its own thread. This is how a change
// made through one replica reaches every other replica within milliseconds.
//
// Notifications sent while the connection is down are lost, so after every (re)connect —
// including the first — it calls `on_connected`, where the caller reloads its state in
// full; notifications are already being received by then, so nothing falls in between.
// A lost connection is retried with capped backoff. Callbacks run on the feed's thread, one
// at a time; they must not block for long. Thread-safe Start/Stop.
class ChangeFeed final {
 public:
  struct Options {
    std::string database_url;
    std::vector<std::string> channels;
    absl::Duration max_backoff = absl::Seconds(5);
  };
  ChangeFeed(
      Options options,
      std::function<void(const std::string& channel, const std::string& payload)> on_notification,
      std::function<void()> on_connected);
  ~ChangeFeed();  // Stop()s

  void Start();
  // Returns within about half a second. Idempotent.
  void Stop();

  // The application_name of the feed's connection, so operators (and tests) can find it
  // in pg_stat_activity.
  static constexpr char kApplicationName[] = "warden-change-feed";

 private:
  void Run();
  // Listens until the connection breaks (returns its error) or Stop() (returns empty).
  std::string ListenOnce();

  const Options options_;
  std::function<void(const std::string&, const std::string&)> on_notification_;
  std::function<void()> on_connected_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace warden::storage
