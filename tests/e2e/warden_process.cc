#include "tests/e2e/warden_process.h"

#include <grpc/grpc.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/e2e/api_client.h"
#include "tests/support/free_port.h"

namespace warden::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string MakeSigningKey(const std::string& dir, const std::string& name,
                           const std::string& openssl_args) {
  std::string path = dir + "/" + name + ".pem";
  std::string command = "openssl genpkey " + openssl_args + " -out " + path + " 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  return path;
}

std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const ClientTls& tls) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(tls.ca_file);
  if (!tls.cert_file.empty()) {
    ssl.pem_cert_chain = ReadFile(tls.cert_file);
    ssl.pem_private_key = ReadFile(tls.key_file);
  }
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (!tls.server_name.empty()) args.SetSslTargetNameOverride(tls.server_name);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  auto stub = grpc::health::v1::Health::NewStub(channel);
  while (true) {
    // Health Watch streams every status change, so this waits without polling; wait_for_ready
    // holds the watch until the server listens.
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    context.set_wait_for_ready(true);
    auto reader = stub->Watch(&context, grpc::health::v1::HealthCheckRequest());
    grpc::health::v1::HealthCheckResponse response;
    while (reader->Read(&response)) {
      if (response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
        context.TryCancel();
        reader->Finish();
        return true;
      }
    }
    // A watch sent on a connection that was already dead (the channel had not yet noticed a
    // SIGKILLed server) or that broke under it ends UNAVAILABLE at once: watch again, which
    // waits for a new connection.
    const grpc::Status status = reader->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || absl::Now() >= deadline) {
      return false;
    }
    absl::SleepFor(absl::Milliseconds(100));  // a client's retry backoff
  }
}

void SetDeadline(grpc::ClientContext* context, int seconds) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

WardenProcess::WardenProcess(std::map<std::string, std::string> env, std::optional<ClientTls> tls)
    : env_(std::move(env)) {
  char dir[] = "/tmp/warden-e2e-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  data_dir_ = dir;
  address_ = absl::StrCat("127.0.0.1:", FreeTcpPort());
  env_.try_emplace("WARDEN_LISTEN", address_);
  env_.try_emplace("WARDEN_DATA_DIR", data_dir_ + "/data");
  env_.try_emplace("WARDEN_RECONCILE_INTERVAL", "1s");
  // Every fake OIDC issuer of the tests listens on 127.0.0.1, which production refuses to
  // fetch from; the tests of that refusal set "false".
  env_.try_emplace("WARDEN_M2M_ALLOW_PRIVATE_ISSUERS", "true");
  channel_ = tls.has_value() ? TlsChannel(address_, *tls)
                             : grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

WardenProcess::~WardenProcess() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(data_dir_, ignored);
}

void WardenProcess::ServeHttp() {
  if (http_port_ == 0) http_port_ = FreeTcpPort();
  env_["WARDEN_HTTP_LISTEN"] = absl::StrCat("127.0.0.1:", http_port_);
}

std::string WardenProcess::http_url() const {
  return absl::StrCat("http://127.0.0.1:", http_port_);
}

pid_t WardenProcess::pid() const {
  REQUIRE(process_ != nullptr);
  return process_->pid();
}

void WardenProcess::Start(bool wait_serving) {
  SubprocessOptions options;
  options.argv = {WARDEN_SERVER_BINARY};
  options.env = env_;
  options.stderr_path = absl::StrCat(data_dir_, "/server-", ++runs_, ".log");
  options.stdout_path = absl::StrCat(data_dir_, "/server-", runs_, ".out");
  absl::StatusOr<std::unique_ptr<Subprocess>> started = Subprocess::Start(options);
  REQUIRE(started.ok());
  process_ = std::move(*started);
  if (!wait_serving) return;
  bool serving = WaitServing(absl::Seconds(60));
  INFO("server log:\n" << Log());
  REQUIRE(serving);
  REQUIRE(!admin_password_.empty());
}

bool WardenProcess::WaitServing(absl::Duration timeout) {
  if (!testing::WaitServing(channel_, timeout)) return false;
  // Written by the server before it listens; the admin header needs it.
  admin_password_ = ReadFile(data_dir_ + "/data/admin-password");
  while (!admin_password_.empty() && admin_password_.back() == '\n') admin_password_.pop_back();
  return true;
}

std::string WardenProcess::HealthStatus() {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  SetDeadline(&context, 5);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return absl::StrCat("error ", status.error_code());
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

int WardenProcess::Stop() {
  REQUIRE(process_ != nullptr);
  process_->Kill(SIGTERM);
  int code = process_->Wait();
  process_.reset();
  return code;
}

void WardenProcess::Kill() {
  REQUIRE(process_ != nullptr);
  process_->Kill(SIGKILL);
  process_->Wait();
  process_.reset();
}

void WardenProcess::Signal(int signal) {
  REQUIRE(process_ != nullptr);
  process_->Kill(signal);
}

bool WardenProcess::WaitForLog(const std::string& text, int count, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    std::string log = Log();
    int found = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++found;
    if (found >= count) return true;
    if (absl::Now() > deadline) return false;
    // The log is a file the server appends to; re-read it shortly (bounded by the deadline).
    absl::SleepFor(absl::Milliseconds(20));
  }
}

std::string WardenProcess::Log() const {
  std::string all;
  for (int run = 1; run <= runs_; ++run) {
    absl::StrAppend(&all, ReadFile(absl::StrCat(data_dir_, "/server-", run, ".log")),
                    ReadFile(absl::StrCat(data_dir_, "/server-", run, ".out")));
  }
  return all;
}

std::string WardenProcess::AdminAuthorization() const {
  return BasicAuthorization("admin", admin_password_);
}

}  // namespace warden::testing
