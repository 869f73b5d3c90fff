#include "server/http/listener.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "glog/logging.h"
#include "server/http/connect_codec.h"
#include "server/tls/certificate_files.h"

namespace warden::http {
namespace {

// cpp-httplib's pool with a bounded queue: when every worker is busy and the queue is full,
// the accepting thread waits here, and further connections wait in the kernel's listen backlog
// rather than in unbounded memory (the backlog is only 5 in Debian's cpp-httplib build; beyond
// it the kernel drops connection attempts and clients retry their SYN).
class BoundedPool final : public httplib::TaskQueue {
 public:
  BoundedPool(int threads, int max_queued) : max_queued_(static_cast<size_t>(max_queued)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~BoundedPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [this] { return jobs_.size() < max_queued_ || stopping_; });
    if (stopping_) return;  // the server is stopping; httplib closes its sockets itself
    jobs_.push_back(std::move(fn));
    work_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ && threads_.empty()) return;
      stopping_ = true;
    }
    work_.notify_all();
    room_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
        if (jobs_.empty()) return;  // stopping, and everything queued has run
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      room_.notify_one();
      fn();
    }
  }

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable room_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

HttpRequest ToRequest(const httplib::Request& in, std::string body) {
  HttpRequest out;
  out.method = in.method;
  out.path = in.path;
  out.query.insert(in.params.begin(), in.params.end());
  // Both maps order names ignoring case, so each field goes in at the end, as it is.
  for (const auto& [name, value] : in.headers)
    out.headers.emplace_hint(out.headers.end(), name, value);
  out.body = std::move(body);
  out.remote_addr = in.remote_addr;
  out.remote_port = in.remote_port;
  return out;
}

// Whether the library's answer already carries each of the router's headers, as the only
// field of its name, spelled and valued alike: the security headers and Cache-Control of
// most answers, which are also the server's defaults.
bool HasHeadersAlready(const HttpResponse& in, const httplib::Response& out) {
  for (const auto& [name, value] : in.headers) {
    const auto [begin, end] = out.headers.equal_range(name);
    if (begin == end || std::next(begin) != end || begin->first != name || begin->second != value ||
        in.headers.count(name) != 1) {
      return false;
    }
  }
  return true;
}

void Write(HttpResponse in, httplib::Response& out) {
  out.status = in.status;
  // The router's headers replace the server's defaults of the same name (Cache-Control).
  if (!HasHeadersAlready(in, out)) {
    for (const auto& [name, value] : in.headers) out.headers.erase(name);
    for (const auto& [name, value] : in.headers) out.headers.emplace(name, value);
  }
  if (in.content_type.empty()) {
    out.body.clear();
  } else {
    // Response::set_content, without copying the body.
    out.body = std::move(in.body);
    out.headers.erase("Content-Type");
    out.set_header("Content-Type", in.content_type);
  }
}

// Makes `out` the last answer on its connection. After a body was refused part-way, what the
// client still sends of it must not be parsed as its next request. cpp-httplib closes a
// connection whose content provider reports failure, which this provider does once it has
// written the whole answer.
void CloseAfter(httplib::Response& out) {
  auto body = std::make_shared<std::string>(std::move(out.body));
  const std::string type = out.get_header_value("Content-Type");
  out.body.clear();
  out.headers.erase("Content-Type");
  out.set_header("Connection", "close");
  out.set_content_provider(body->size(), type.c_str(),
                           [body](size_t offset, size_t length, httplib::DataSink& sink) {
                             sink.write(body->data() + offset, length);
                             return false;
                           });
}

absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("the HTTP listen address must be host:port, got ", listen));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

}  // namespace

// The certificate and key HTTPS serves: loaded at start (errors fail the start), then
// checked for changes at most every reload interval, at a handshake, and swapped in when
// both files load and match; a bad pair is logged and the previous one kept.
class HttpListener::TlsFiles {
 public:
  TlsFiles(std::string cert, std::string key, absl::Duration interval)
      : cert_path_(std::move(cert)), key_path_(std::move(key)), interval_(interval) {}

  absl::Status LoadNow() {
    absl::StatusOr<std::shared_ptr<const Pair>> pair = Read();
    if (!pair.ok()) return pair.status();
    absl::MutexLock lock(&mu_);
    current_ = *std::move(pair);
    stamp_ = Stamp();
    next_check_ = absl::Now() + interval_;
    return absl::OkStatus();
  }

  // Sets up `ctx`: TLS 1.2 or later, the certificate chosen per handshake, and client
  // certificates required when `client_ca` is set.
  bool Configure(SSL_CTX& ctx, const std::string& client_ca) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_cert_cb(&ctx, &TlsFiles::OnHandshake, this);
    if (!client_ca.empty()) {
      if (SSL_CTX_load_verify_locations(&ctx, client_ca.c_str(), nullptr) != 1) {
        LOG(ERROR) << "cannot load the HTTP client CA " << client_ca << ": " << OpenSslError();
        return false;
      }
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    return true;
  }

 private:
  using Pair = tls::KeyPair;

  std::string Stamp() const {
    struct stat cert {
    }, key{};
    if (::stat(cert_path_.c_str(), &cert) != 0 || ::stat(key_path_.c_str(), &key) != 0) return "";
    return absl::StrCat(cert.st_mtim.tv_sec, ".", cert.st_mtim.tv_nsec, "/", cert.st_size, "|",
                        key.st_mtim.tv_sec, ".", key.st_mtim.tv_nsec, "/", key.st_size);
  }

  // The same loading and checks as the gRPC port's start-up check (size cap, encrypted keys
  // refused, the key matching the leaf).
  absl::StatusOr<std::shared_ptr<const Pair>> Read() const {
    absl::StatusOr<Pair> pair = tls::LoadKeyPairFiles(cert_path_, key_path_);
    if (!pair.ok()) return absl::FailedPreconditionError(pair.status().message());
    return std::make_shared<const Pair>(*std::move(pair));
  }

  std::shared_ptr<const Pair> Current() {
    absl::MutexLock lock(&mu_);
    if (absl::Now() >= next_check_) {
      next_check_ = absl::Now() + interval_;
      if (std::string stamp = Stamp(); stamp != stamp_) {
        absl::StatusOr<std::shared_ptr<const Pair>> fresh = Read();
        if (fresh.ok()) {
          current_ = *std::move(fresh);
          stamp_ = stamp;
          LOG(INFO) << "HTTPS certificate reloaded from " << cert_path_;
        } else {
          LOG(WARNING) << "HTTPS certificate not reloaded, keeping the previous one: "
                       << fresh.status().message();
        }
      }
    }
    return current_;
  }

  static int OnHandshake(SSL* ssl, void* arg) {
    std::shared_ptr<const Pair> pair = static_cast<TlsFiles*>(arg)->Current();
    if (SSL_use_certificate(ssl, pair->chain.front().get()) != 1 ||
        SSL_use_PrivateKey(ssl, pair->key.get()) != 1) {
      return 0;
    }
    SSL_clear_chain_certs(ssl);
    for (size_t i = 1; i < pair->chain.size(); ++i) {
      SSL_add1_chain_cert(ssl, pair->chain[i].get());
    }
    return 1;
  }

  const std::string cert_path_;
  const std::string key_path_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  std::shared_ptr<const Pair> current_ ABSL_GUARDED_BY(mu_);
  std::string stamp_ ABSL_GUARDED_BY(mu_);
  absl::Time next_check_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(ListenerOptions options,
                                                                  const Router& router,
                                                                  Observer observe) {
  absl::StatusOr<std::pair<std::string, int>> address = SplitHostPort(options.listen);
  if (!address.ok()) return address.status();
  std::unique_ptr<HttpListener> listener(new HttpListener());
  if (!options.tls_cert.empty()) {
    listener->tls_files_ =
        std::make_unique<TlsFiles>(options.tls_cert, options.tls_key, options.tls_reload_interval);
    if (absl::Status loaded = listener->tls_files_->LoadNow(); !loaded.ok()) return loaded;
    TlsFiles* files = listener->tls_files_.get();
    const std::string client_ca = options.tls_client_ca;
    listener->server_ = std::make_unique<httplib::SSLServer>(
        [files, client_ca](SSL_CTX& ctx) { return files->Configure(ctx, client_ca); });
    listener->tls_ = true;
  } else {
    listener->server_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *listener->server_;
  if (!server.is_valid()) {
    return absl::FailedPreconditionError("the HTTPS listener could not set up TLS");
  }
  const int threads = options.threads;
  const int queued = options.max_queued_connections;
  server.new_task_queue = [threads, queued] { return new BoundedPool(threads, queued); };
  server.set_read_timeout(absl::ToChronoSeconds(options.read_timeout));
  server.set_write_timeout(absl::ToChronoSeconds(options.write_timeout));
  server.set_keep_alive_timeout(absl::ToInt64Seconds(options.keep_alive_timeout));
  server.set_keep_alive_max_count(static_cast<size_t>(options.keep_alive_max_requests));
  server.set_payload_max_length(options.max_body_bytes);
  server.set_tcp_nodelay(true);
  // On every answer, those the library writes itself (414, malformed requests) included.
  httplib::Headers defaults;
  for (const auto& [name, value] : SecurityHeaders()) defaults.emplace(name, value);
  defaults.emplace("Cache-Control", "no-store");
  server.set_default_headers(std::move(defaults));

  // A Connect-style refusal written before routing (the body, if any, is not read).
  auto refuse = [observe](httplib::Response& out, int status, const absl::Status& why) {
    HttpResponse refused;
    refused.status = status;
    refused.body = ErrorBody(why);
    Write(std::move(refused), out);
    if (observe) observe("other", status, absl::ZeroDuration());
  };
  const size_t max_fields = options.max_header_fields;
  server.set_pre_routing_handler(
      [refuse, max_fields](const httplib::Request& in, httplib::Response& out) {
        if (in.headers.size() <= max_fields) return httplib::Server::HandlerResponse::Unhandled;
        refuse(out, 431,
               absl::ResourceExhaustedError(
                   absl::StrCat("the request has more than ", max_fields, " header fields")));
        return httplib::Server::HandlerResponse::Handled;
      });
  const size_t max_body = options.max_body_bytes;
  auto serve = [&router, observe](const httplib::Request& in, std::string body,
                                  httplib::Response& out) {
    const absl::Time start = absl::Now();
    std::string route;
    HttpResponse answer = router.Handle(ToRequest(in, std::move(body)), &route);
    const int status = answer.status;
    Write(std::move(answer), out);
    if (observe) observe(route, status, absl::Now() - start);
  };
  // Bodies are read here, not by the library, so that the cap holds for chunked and
  // compressed bodies too.
  auto with_body = [serve, max_body, refuse](const httplib::Request& in, httplib::Response& out,
                                             const httplib::ContentReader& reader) {
    // Without either header an HTTP/1.1 request has no body (RFC 9112 §6.3), and the
    // library's reader would wait for the connection to close.
    if (!in.has_header("Content-Length") && !in.has_header("Transfer-Encoding")) {
      return serve(in, std::string(), out);
    }
    std::string body;
    // The declared length, when it is within the cap, is room enough for the whole body.
    if (size_t declared = 0; absl::SimpleAtoi(in.get_header_value("Content-Length"), &declared) &&
                             declared <= max_body) {
      body.reserve(declared);
    }
    bool too_big = false;
    const bool complete = reader([&](const char* data, size_t length) {
      if (body.size() + length > max_body) {
        too_big = true;
        return false;
      }
      body.append(data, length);
      return true;
    });
    // The library refuses a Content-Length over the cap itself (its status 413, having read
    // and dropped the body) and reports a body it could not read or decompress (400, or 415
    // for an unknown Content-Encoding); such a request must never run as if its body were
    // empty, and a body left unread part-way ends the connection.
    if (complete && !too_big) return serve(in, std::move(body), out);
    const int library_status = out.status;
    if (too_big || library_status == 413) {
      refuse(out, 413,
             absl::ResourceExhaustedError(
                 absl::StrCat("the request body is larger than ", max_body, " bytes")));
    } else if (library_status == 415) {
      refuse(out, 415, absl::UnimplementedError("unsupported Content-Encoding"));
    } else {
      refuse(out, 400, absl::InvalidArgumentError("the request body could not be read in full"));
    }
    if (too_big || library_status != 413) CloseAfter(out);
  };
  auto without_body = [serve](const httplib::Request& in, httplib::Response& out) {
    serve(in, std::string(), out);
  };
  server.Get(".*", without_body);
  server.Options(".*", without_body);
  server.Post(".*", httplib::Server::HandlerWithContentReader(with_body));
  server.Put(".*", httplib::Server::HandlerWithContentReader(with_body));
  server.Patch(".*", httplib::Server::HandlerWithContentReader(with_body));
  server.Delete(".*", httplib::Server::HandlerWithContentReader(with_body));

  const auto& [host, port] = *address;
  if (port == 0) {
    listener->port_ = server.bind_to_any_port(host);
    if (listener->port_ <= 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot listen for HTTP on ", options.listen));
    }
  } else {
    if (!server.bind_to_port(host, port)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot listen for HTTP on ", options.listen));
    }
    listener->port_ = port;
  }
  listener->thread_ = std::thread([&server] { server.listen_after_bind(); });
  return listener;
}

void HttpListener::Stop() {
  if (server_ == nullptr) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpListener::~HttpListener() { Stop(); }

}  // namespace warden::http
