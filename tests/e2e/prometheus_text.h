#pragma once

#include <httplib.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace warden::testing {

// The metrics page of the server whose WARDEN_METRICS_LISTEN is 127.0.0.1:`port`, as
// Prometheus scrapes it ("" when it does not answer 200).
inline std::string ScrapeMetrics(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  auto response = client.Get("/metrics");
  return response && response->status == 200 ? response->body : "";
}

// The value of the sample line that starts with `series` (name and labels, exactly as the
// text format prints them), or -1 when no line does.
inline double SampleValue(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    if (absl::SimpleAtod(line, &value)) return value;
  }
  return -1;
}

}  // namespace warden::testing
