#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace warden::storage::testing {

// Collects NOTIFY payloads on a connection of its own, as another replica would.
class NoticeListener final : public pqxx::notification_receiver {
 public:
  NoticeListener(pqxx::connection_base& conn, const std::string& channel)
      : pqxx::notification_receiver(conn, channel) {}
  void operator()(const std::string& payload, int) override { payloads.push_back(payload); }
  std::vector<std::string> payloads;
};

}  // namespace warden::storage::testing
