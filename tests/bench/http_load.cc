#include "tests/bench/http_load.h"

#include <httplib.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/bench/cpu_usage.h"
#include "tests/bench/http_tally.h"
#include "tests/bench/raw_http_loop.h"

namespace warden::bench {
namespace {

httplib::Result Send(httplib::Client& client, const HttpCall& call,
                     const httplib::Headers& headers) {
  return call.method == "GET" ? client.Get(call.target, headers)
                              : client.Post(call.target, headers, call.body, call.content_type);
}

// One httplib::Client on this thread, one request at a time, until the window stops.
void HttplibLoop(const HttpEndpoint& endpoint, const HttpCall& call, absl::Duration timeout,
                 const HttpWindow& window, HttpTally& tally) {
  httplib::Client client(endpoint.host, endpoint.port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  const time_t seconds = absl::ToInt64Seconds(timeout);
  client.set_connection_timeout(seconds);
  client.set_read_timeout(seconds);
  client.set_write_timeout(seconds);
  const httplib::Headers headers(call.headers.begin(), call.headers.end());
  while (!window.stopping()) {
    const int64_t start = NowNs();
    httplib::Result answer = Send(client, call, headers);
    if (answer) {
      tally.Answered(window, start, answer->status, answer->body);
    } else {
      tally.Failed(window, start, "connection", httplib::to_string(answer.error()));
      absl::SleepFor(absl::Milliseconds(10));  // a server that refuses is not hammered
    }
  }
}

}  // namespace

std::string HttpEndpoint::HostHeader() const { return absl::StrCat(host, ":", port); }

absl::StatusOr<HttpEndpoint> ParseEndpoint(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  HttpEndpoint endpoint;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(host_port.substr(colon + 1), &endpoint.port) || endpoint.port <= 0 ||
      endpoint.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("expected host:port, got ", host_port));
  }
  endpoint.host = host_port.substr(0, colon);
  return endpoint;
}

LoadResult RunHttpLoad(const HttpEndpoint& endpoint, const HttpCall& call,
                       const HttpLoadSettings& settings) {
  const int threads =
      settings.client == HttpClientKind::kRaw ? settings.threads : settings.connections;
  HttpWindow window;
  std::vector<HttpTally> tallies(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  const std::string wire = WireRequest(call, endpoint.HostHeader());
  for (int t = 0; t < threads; ++t) {
    HttpTally& tally = tallies[static_cast<size_t>(t)];
    if (settings.client == HttpClientKind::kHttplib) {
      workers.emplace_back([&endpoint, &call, &settings, &window, &tally] {
        HttplibLoop(endpoint, call, settings.call_timeout, window, tally);
      });
      continue;
    }
    // Connections t, t + threads, t + 2 x threads, ...
    const int mine = settings.connections / threads + (t < settings.connections % threads ? 1 : 0);
    workers.emplace_back([&endpoint, &wire, &settings, &window, &tally, mine] {
      RawHttpLoop loop(endpoint, wire, mine, settings.call_timeout);
      loop.Run(window, tally);
    });
  }
  absl::SleepFor(settings.warmup);
  const CpuSample cpu_start = CpuSample::Take(settings.server_pid);
  const int64_t start_ns = window.Measure();
  absl::SleepFor(settings.duration);
  const int64_t stop_ns = window.Stop();
  const CpuSample cpu_end = CpuSample::Take(settings.server_pid);
  for (std::thread& worker : workers) worker.join();

  LoadResult result;
  result.seconds = static_cast<double>(stop_ns - start_ns) / 1e9;
  result.SetCpu(cpu_start, cpu_end);
  for (HttpTally& tally : tallies) tally.MergeInto(result);
  std::sort(result.latencies_ns.begin(), result.latencies_ns.end());
  return result;
}

absl::StatusOr<HttpAnswer> SendOnce(const HttpEndpoint& endpoint, const HttpCall& call) {
  httplib::Client client(endpoint.host, endpoint.port);
  client.set_connection_timeout(10);
  client.set_read_timeout(10);
  const httplib::Headers headers(call.headers.begin(), call.headers.end());
  httplib::Result answer = Send(client, call, headers);
  if (!answer) {
    return absl::UnavailableError(absl::StrCat(call.method, " http://", endpoint.HostHeader(),
                                               call.target, ": ",
                                               httplib::to_string(answer.error())));
  }
  return HttpAnswer{answer->status, answer->body};
}

}  // namespace warden::bench
