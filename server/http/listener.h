#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/http/router.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace warden::http {

struct ListenerOptions {
  std::string listen;  // host:port; port 0 picks a free one
  // Worker threads, each serving one connection at a time (cpp-httplib is blocking). More
  // connections wait in a queue of `max_queued_connections`, then in the kernel's listen
  // backlog, which Debian's cpp-httplib sets to 5: beyond it clients' connects are retried.
  int threads = 16;
  int max_queued_connections = 256;
  absl::Duration read_timeout = absl::Seconds(10);  // per read: a slow sender is cut off
  absl::Duration write_timeout = absl::Seconds(10);
  absl::Duration keep_alive_timeout = absl::Seconds(5);
  int keep_alive_max_requests = 100;
  // Request bodies beyond this are refused (413), counted after any decompression, so a
  // small compressed body cannot grow without bound.
  size_t max_body_bytes = 1 << 20;
  // Requests with more header fields than this are refused (431) before routing. cpp-httplib
  // 0.11 reads every field a client sends before a handler runs, so this bounds what a
  // request may make the server do, not the memory its header block takes while it is read.
  size_t max_header_fields = 100;
  // TLS (HTTPS) when both are set: the same PEM files as gRPC, re-read every
  // `tls_reload_interval`; with `tls_client_ca`, clients must present a certificate it
  // signed.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  absl::Duration tls_reload_interval = absl::Seconds(60);
};

// The HTTP listener (WARDEN_HTTP_LISTEN): cpp-httplib's server around a Router. Every
// request is read (with the limits above), handed to the router, and its route, status and
// duration reported to `observe` (metrics). Thread-safe; `router` must outlive it.
class HttpListener final {
 public:
  using Observer = std::function<void(const std::string& route, int status, absl::Duration)>;

  // Binds and starts serving. FAILED_PRECONDITION if the address cannot be bound or the TLS
  // files cannot be loaded.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(ListenerOptions options,
                                                             const Router& router,
                                                             Observer observe);
  ~HttpListener();  // Stop()s

  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const { return port_; }
  bool tls() const { return tls_; }
  // Stops accepting, lets requests being served finish, joins the threads. Idempotent.
  void Stop();

 private:
  class TlsFiles;  // the reloading certificate (listener.cc)
  HttpListener() = default;

  std::unique_ptr<TlsFiles> tls_files_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace warden::http
