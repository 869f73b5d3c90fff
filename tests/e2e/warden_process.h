#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "tests/support/subprocess.h"

namespace warden::testing {

// What a TLS client presents and trusts: PEM file paths ("" for none).
struct ClientTls {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;  // overrides the name checked against the server's certificate
};

// A client that trusts the CA in `ca_file` and shows no certificate of its own.
inline ClientTls TrustingCa(std::string ca_file) {
  ClientTls tls;
  tls.ca_file = std::move(ca_file);
  return tls;
}

// A TLS channel to `address` with a connection of its own: the local subchannel pool keeps
// gRPC from reusing a connection an earlier channel made, so every channel does a new TLS
// handshake.
std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const ClientTls& tls);

// Blocks until health, asked over `channel`, reports SERVING (true) or `timeout` passes
// (false). Waits for a server that is not listening yet, and watches again when the
// connection under the watch breaks (a server killed and started again on the same port).
bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout);

// The whole content of the file at `path` ("" if it cannot be read).
std::string ReadFile(const std::string& path);

// Writes a new private key to `dir`/`name`.pem with openssl, as an operator would make one
// (`openssl_args` e.g. "-algorithm ED25519"), and returns its path. Fails the test if
// openssl fails.
std::string MakeSigningKey(const std::string& dir, const std::string& name,
                           const std::string& openssl_args);

// The real warden-server binary, run as a user would run it, on a free port with its own
// data directory (dev signing key and admin password generated there). The data directory
// and every run's log survive Stop/Start, so a restarted server keeps its keys.
class WardenProcess final {
 public:
  // `env` adds or overrides server environment variables (WARDEN_DATABASE_URL is required).
  // WARDEN_M2M_ALLOW_PRIVATE_ISSUERS defaults to true here: fake issuers are on loopback.
  // With `tls`, channel() and the health checks speak TLS as that client (the server's own
  // TLS settings go in `env`); without, plaintext.
  explicit WardenProcess(std::map<std::string, std::string> env,
                         std::optional<ClientTls> tls = std::nullopt);
  ~WardenProcess();  // SIGKILLs a server still running; removes the data directory

  // Starts the server and, if `wait_serving`, blocks until its health service reports
  // SERVING (fails the test after 60 s).
  void Start(bool wait_serving = true);
  // SIGTERM, then waits for exit; returns the exit code.
  int Stop();
  void Kill();  // SIGKILL
  // From the next Start on, also serves HTTP (WARDEN_HTTP_LISTEN) on a free port of
  // 127.0.0.1; the port stays the same across restarts.
  void ServeHttp();
  // The HTTP port (0 until ServeHttp) and base URL, "http://127.0.0.1:<port>".
  int http_port() const { return http_port_; }
  std::string http_url() const;
  // Sets a server environment variable for the next Start (a restart with other keys).
  void SetEnv(const std::string& name, std::string value) { env_[name] = std::move(value); }
  // Sends `signal` (e.g. SIGHUP) to the running server.
  void Signal(int signal);
  // Waits until the log has `count` lines containing `text` (the server reports what it did
  // on its own schedule, e.g. after SIGHUP). False after `timeout`.
  bool WaitForLog(const std::string& text, int count, absl::Duration timeout);
  // Blocks until health reports SERVING (true) or `timeout` passes (false); see the free
  // WaitServing, so it may follow a Kill and Start. On SERVING it also reads the admin
  // password the server generated.
  bool WaitServing(absl::Duration timeout);
  // The health service's current status for the whole server: "SERVING", "NOT_SERVING", or
  // the gRPC error.
  std::string HealthStatus();

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  const std::string& address() const { return address_; }
  const std::string& data_dir() const { return data_dir_; }
  // The running server's process id (REQUIRES: started and not stopped).
  pid_t pid() const;
  const std::string& admin_password() const { return admin_password_; }
  // Everything every run of the server has logged so far.
  std::string Log() const;

  // The `authorization` header value that logs in as the bootstrap admin.
  std::string AdminAuthorization() const;

 private:
  std::map<std::string, std::string> env_;
  std::string data_dir_;
  std::string address_;
  int http_port_ = 0;
  std::string admin_password_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Subprocess> process_;
  int runs_ = 0;
};

// A deadline a few seconds from now, for every call the tests make.
void SetDeadline(grpc::ClientContext* context, int seconds = 10);

}  // namespace warden::testing
