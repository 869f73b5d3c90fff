// warden-bench-echo: the trivial gRPC service warden-bench measures as its baseline.
//
//   warden-bench-echo [--listen=127.0.0.1:8444]
//
// Built like warden-server's listener: one ServerBuilder with the default settings (no
// thread or completion-queue options), the callback API, insecure credentials and gRPC's
// default health service. It answers every Echo at once on the gRPC thread, so its rate is
// the most a server on this machine can answer through gRPC. Stops on SIGTERM or SIGINT.

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "tests/bench/echo.grpc.pb.h"
#include "tests/bench/stop_signals.h"

namespace warden::bench {
namespace {

constexpr int kMaxResponseSize = 1 << 20;

class EchoServiceImpl final : public warden_bench::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const warden_bench::v1::EchoRequest* request,
                                 warden_bench::v1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (request->response_size() < 0 || request->response_size() > kMaxResponseSize) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                   "response_size must be between 0 and 1 MiB"));
      return reactor;
    }
    response->set_payload(Payload(request->response_size()));
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  // The payload of each size, made once per thread: neither building it nor a shared lock
  // may be part of what the baseline measures.
  static const std::string& Payload(int size) {
    thread_local std::map<int, std::string> payloads;
    auto [it, inserted] = payloads.try_emplace(size);
    if (inserted) it->second.assign(static_cast<size_t>(size), 'x');
    return it->second;
  }
};

int Main(int argc, char** argv) {
  std::string listen = "127.0.0.1:8444";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--listen=", 0) == 0) {
      listen = arg.substr(9);
    } else {
      std::cerr << "usage: warden-bench-echo [--listen=HOST:PORT]\n";
      return 2;
    }
  }
  const sigset_t stop_signals = BlockStopSignals();  // before any thread starts

  grpc::EnableDefaultHealthCheckService(true);
  EchoServiceImpl service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "warden-bench-echo: cannot listen on " << listen << "\n";
    return 1;
  }
  std::cout << "warden-bench-echo listening on " << listen << std::endl;
  WaitForStopSignal(stop_signals);
  server->Shutdown();
  return 0;
}

}  // namespace
}  // namespace warden::bench

int main(int argc, char** argv) { return warden::bench::Main(argc, argv); }
