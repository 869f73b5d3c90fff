// warden-bench-hello: the bare HTTP server warden-bench measures as the baseline of its HTTP
// scenarios.
//
//   warden-bench-hello [--listen=127.0.0.1:8445]
//
// GET or POST /hello?bytes=N answers 200 with a JSON body of N bytes ({"hello":"xx…"}, at
// least 12), so the answer is as big as the Warden answer it stands for. The same library
// as Warden's HTTP listener (cpp-httplib), with the connection settings of its defaults
// (server/http/listener.h: threads, keep-alive, timeouts, TCP_NODELAY) and nothing else: no
// routing table, no security headers, no metrics. The library reads a POST body itself. Stops
// on SIGTERM or SIGINT.

#include <httplib.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "server/http/listener.h"
#include "tests/bench/stop_signals.h"

namespace warden::bench {
namespace {

constexpr size_t kMaxBytes = 1 << 20;
constexpr char kPrefix[] = "{\"hello\":\"";
constexpr char kSuffix[] = "\"}";

// The body of each size, made once per thread: neither building it nor a shared lock may be
// part of what the baseline measures.
const std::string& Body(size_t bytes) {
  thread_local std::map<size_t, std::string> bodies;
  auto [it, inserted] = bodies.try_emplace(bytes);
  if (inserted) {
    const size_t frame = sizeof(kPrefix) - 1 + sizeof(kSuffix) - 1;
    it->second = std::string(kPrefix) + std::string(std::max(bytes, frame + 1) - frame, 'x') +
                 std::string(kSuffix);
  }
  return it->second;
}

void Hello(const httplib::Request& request, httplib::Response& response) {
  size_t bytes = 0;
  if (!absl::SimpleAtoi(request.get_param_value("bytes"), &bytes) || bytes > kMaxBytes) {
    response.status = 400;
    response.set_content("{\"error\":\"bytes must be a number up to 1 MiB\"}", "application/json");
    return;
  }
  response.set_content(Body(bytes), "application/json");
}

int Main(int argc, char** argv) {
  std::string listen = "127.0.0.1:8445";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--listen=", 0) == 0) {
      listen = arg.substr(9);
    } else {
      std::cerr << "usage: warden-bench-hello [--listen=HOST:PORT]\n";
      return 2;
    }
  }
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    std::cerr << "warden-bench-hello: --listen takes HOST:PORT, got " << listen << "\n";
    return 2;
  }
  const sigset_t stop_signals = BlockStopSignals();  // before any thread starts

  const http::ListenerOptions warden;  // Warden's defaults
  httplib::Server server;
  const size_t threads = static_cast<size_t>(warden.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_read_timeout(absl::ToChronoSeconds(warden.read_timeout));
  server.set_write_timeout(absl::ToChronoSeconds(warden.write_timeout));
  server.set_keep_alive_timeout(absl::ToInt64Seconds(warden.keep_alive_timeout));
  server.set_keep_alive_max_count(static_cast<size_t>(warden.keep_alive_max_requests));
  server.set_payload_max_length(warden.max_body_bytes);
  server.set_tcp_nodelay(true);
  server.Get("/hello", Hello);
  server.Post("/hello", Hello);
  if (!server.bind_to_port(listen.substr(0, colon), port)) {
    std::cerr << "warden-bench-hello: cannot listen on " << listen << "\n";
    return 1;
  }
  std::thread serving([&server] { server.listen_after_bind(); });
  std::cout << "warden-bench-hello listening on " << listen << std::endl;
  WaitForStopSignal(stop_signals);
  server.stop();
  serving.join();
  return 0;
}

}  // namespace
}  // namespace warden::bench

int main(int argc, char** argv) { return warden::bench::Main(argc, argv); }
