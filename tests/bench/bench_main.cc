// warden-bench: an async gRPC load generator for Warden. It runs each scenario
// with N calls in flight over C channels, after a warm-up, and prints the rate, exact
// p50/p99/p999 latencies and the failed calls by status code. The echo scenario measures a
// trivial gRPC service (warden-bench-echo) through the same client in the same run, so
// every other figure can be read as a fraction of what gRPC itself does on this machine.
// The http-* scenarios do the same over HTTP/1.1 against a bare server of the same HTTP
// library (warden-bench-hello).
// See docs/performance.md and scripts/bench, and `warden-bench --help`.

#include <grpcpp/client_context.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "client/local_validator.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/bench/bench_issuer.h"
#include "tests/bench/bench_options.h"
#include "tests/bench/bench_setup.h"
#include "tests/bench/crypto_bench.h"
#include "tests/bench/h2load_files.h"
#include "tests/bench/http_load.h"
#include "tests/bench/http_scenarios.h"
#include "tests/bench/last_use_bench.h"
#include "tests/bench/load_generator.h"
#include "tests/bench/local_load.h"
#include "tests/bench/scenarios.h"

namespace warden::bench {
namespace {

// The role of every token the bench mints: a realistic one (23 resources, READ).
constexpr char kRole[] = "Analyst";
// The exchange scenario's ID tokens: how many distinct ones, their audience and lifetime.
constexpr int kIdTokens = 1000;
constexpr char kIdTokenAudience[] = "warden-bench";

void PrintHeader() {
  std::cout << absl::StrFormat("%-18s %9s %8s %7s %9s %9s %8s %8s %8s %8s %8s %8s %8s %5s  %s\n",
                               "scenario", "in-flight", "channels", "seconds", "calls", "ok QPS",
                               "vs base", "p50 ms", "p99 ms", "p999 ms", "max ms", "srv us",
                               "cli us", "busy", "errors");
}

// One row: `base_qps` is the rate of the scenario's baseline (BaselineOf), when it ran.
void Report(const std::string& name, int in_flight, int channels, const LoadResult& result,
            std::optional<double> base_qps, std::ofstream* tsv) {
  const std::string vs_base = base_qps.has_value() && *base_qps > 0
                                  ? absl::StrFormat("%.1f%%", 100 * result.ok_qps() / *base_qps)
                                  : "-";
  const double max_ms = result.PercentileMs(1.0);
  const double server_us = result.ServerCpuPerCallUs();
  const std::string server_cpu = server_us < 0 ? "-" : absl::StrFormat("%.0f", server_us);
  std::cout
      << absl::StrFormat(
             "%-18s %9d %8d %7.1f %9d %9.0f %8s %8.3f %8.3f %8.3f %8.3f %8s %8.0f %4.0f%%  %s\n",
             name, in_flight, channels, result.seconds, result.calls, result.ok_qps(), vs_base,
             result.PercentileMs(0.50), result.PercentileMs(0.99), result.PercentileMs(0.999),
             max_ms, server_cpu, result.ClientCpuPerCallUs(), 100 * result.MachineBusy(),
             result.ErrorSummary())
      << std::flush;
  if (tsv != nullptr && tsv->is_open()) {
    // Columns: 1 "scenario", 2 name, 3 in flight, 4 channels, 5 seconds, 6 calls, 7 ok QPS,
    // 8-11 p50 p99 p999 max ms, 12 errors, 13 server CPU us/call (-1: unknown),
    // 14 client CPU us/call, 15 machine busy (0..1).
    *tsv << absl::StrFormat(
                "scenario\t%s\t%d\t%d\t%.2f\t%d\t%.1f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%.1f\t%.3f\t%."
                "3f\n",
                name, in_flight, channels, result.seconds, result.calls, result.ok_qps(),
                result.PercentileMs(0.50), result.PercentileMs(0.99), result.PercentileMs(0.999),
                max_ms, result.ErrorSummary(), server_us, result.ClientCpuPerCallUs(),
                result.MachineBusy())
         << std::flush;
  }
}

// Mints tokens until `minted` holds `wanted`, 32 calls in flight.
absl::Status MintUpTo(MintedTokens& minted, size_t wanted, const std::string& admin,
                      const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  if (minted.size() >= wanted) return absl::OkStatus();
  std::unique_ptr<CallFactory> calls = GenerateCalls({kRole}, admin, &minted);
  LoadSettings settings;
  settings.in_flight = 32;
  settings.warmup = absl::ZeroDuration();
  settings.duration = absl::Minutes(10);
  settings.max_calls = wanted - minted.size();
  const absl::Time start = absl::Now();
  RunLoad(*calls, channels, settings);
  std::cout << absl::StrFormat("  (minted %d tokens to validate in %.1f s)\n", minted.size(),
                               absl::ToDoubleSeconds(absl::Now() - start));
  if (minted.size() < wanted) {
    return absl::UnavailableError(
        absl::StrFormat("could mint only %d of %d tokens", minted.size(), wanted));
  }
  return absl::OkStatus();
}

int Fail(const absl::Status& status) {
  std::cerr << "warden-bench: " << status << "\n";
  return 1;
}

// One HTTP scenario: `connections` connections for the warm-up and the measured duration.
LoadResult RunHttpScenario(const BenchOptions& options, const HttpScenario& scenario,
                           int connections, int server_pid) {
  HttpLoadSettings settings;
  settings.connections = connections;
  settings.client =
      options.http_client == "httplib" ? HttpClientKind::kHttplib : HttpClientKind::kRaw;
  settings.threads = options.http_threads;
  settings.warmup = options.warmup;
  settings.duration = options.duration;
  settings.server_pid = server_pid;
  return RunHttpLoad(scenario.endpoint, scenario.call, settings);
}

int Run(const BenchOptions& options) {
  bool needs_warden = false;  // over gRPC: to mint tokens, or for a gRPC scenario
  bool needs_echo = false;
  bool needs_warden_http = false;
  bool needs_hello = false;
  for (const ScenarioSpec& spec : options.scenarios) {
    if (spec.name == "echo") {
      needs_echo = true;
    } else if (IsHelloScenario(spec.name)) {
      needs_hello = true;
    } else {
      needs_warden = true;
      needs_warden_http = needs_warden_http || IsHttpScenario(spec.name);
    }
  }
  if (needs_warden && (options.target.empty() || options.admin_password_file.empty())) {
    return Fail(absl::InvalidArgumentError("--target and --admin-password-file are required"));
  }
  if (needs_echo && options.echo_target.empty()) {
    return Fail(absl::InvalidArgumentError("the echo scenario needs --echo-target"));
  }
  if (needs_warden_http && options.http_target.empty()) {
    return Fail(absl::InvalidArgumentError("http-validate and http-jwks need --http-target"));
  }
  if (needs_hello && options.hello_target.empty()) {
    return Fail(absl::InvalidArgumentError("the http-hello scenarios need --hello-target"));
  }
  std::vector<std::shared_ptr<grpc::Channel>> warden_channels, echo_channels;
  if (needs_warden) warden_channels = MakeChannels(options.target, options.channels);
  if (needs_echo) echo_channels = MakeChannels(options.echo_target, options.channels);

  // What ValidateToken calls carry: the caller's credential, the token presented, and the
  // size of the answer (which the echo baseline copies).
  std::string admin, caller, token(420, 't');
  Credentials caller_credentials;  // the same as `caller`, for the local validator's watch
  int response_size = 700;
  std::optional<BenchSetup> setup;
  if (needs_warden) {
    absl::StatusOr<std::string> password = ReadAdminPassword(options.admin_password_file);
    if (!password.ok()) return Fail(password.status());
    admin = AdminAuthorization(*password);
    setup.emplace(warden_channels[0], admin);
    caller = admin;
    caller_credentials = Credentials::AdminPassword(*password);
    if (options.caller == "token") {
      absl::StatusOr<std::string> service = setup->Mint("bench caller", {kRole});
      if (!service.ok()) return Fail(service.status());
      caller = "Bearer " + *service;
      caller_credentials = Credentials::BearerToken(*service);
    }
    absl::StatusOr<std::string> presented = setup->Mint("bench validated", {kRole});
    if (!presented.ok()) return Fail(presented.status());
    token = *presented;
    absl::StatusOr<v1::ValidateTokenResponse> answer = setup->Validate(caller, token);
    if (!answer.ok()) return Fail(answer.status());
    response_size = static_cast<int>(answer->ByteSizeLong());
  }
  std::cout << absl::StrFormat(
      "warden-bench: %d channels, warm-up %s, %s per scenario; ValidateToken callers send %s; "
      "token %d bytes, answer %d bytes\n",
      options.channels, absl::FormatDuration(options.warmup),
      absl::FormatDuration(options.duration),
      options.caller == "token" ? "a Bearer API token" : "the admin's Basic credentials",
      token.size(), response_size);
  std::optional<HttpScenarios> http;
  if (needs_warden_http || needs_hello) {
    absl::StatusOr<HttpScenarios> prepared =
        PrepareHttpScenarios(needs_warden_http ? options.http_target : "",
                             needs_hello ? options.hello_target : "", caller, token);
    if (!prepared.ok()) return Fail(prepared.status());
    http = *std::move(prepared);
    std::cout << absl::StrFormat(
        "warden-bench: HTTP/1.1 over %d keep-alive connections, %s client; answers: "
        "ValidateToken %d bytes, JWKS %d bytes (hello answers as many)\n",
        options.http_connections,
        options.http_client == "raw"
            ? absl::StrCat("its own (", options.http_threads, " epoll thread(s))")
            : std::string("httplib::Client (a thread per connection)"),
        http->validate_answer_bytes, http->jwks_answer_bytes);
  }

  std::ofstream tsv;
  if (!options.results.empty()) tsv.open(options.results, std::ios::app);
  MintedTokens minted(static_cast<size_t>(options.distinct_tokens));
  std::map<std::string, double> base_qps;  // the last rate of each baseline scenario
  uint64_t failed = 0;
  bool idle = false;  // a scenario with no successful call at all
  auto report = [&](const std::string& name, int in_flight, int channels,
                    const LoadResult& result) {
    if (BaselineOf(name) == name) base_qps[name] = result.ok_qps();
    const auto base = base_qps.find(BaselineOf(name));
    Report(name, in_flight, channels, result,
           base == base_qps.end() ? std::nullopt : std::optional<double>(base->second), &tsv);
    for (const auto& [code, message] : result.error_examples) {
      std::cerr << "warden-bench: " << name << ": " << code << ", e.g.: " << message << "\n";
    }
    failed += result.error_count();
    idle = idle || result.ok == 0;
  };
  PrintHeader();
  for (const ScenarioSpec& spec : options.scenarios) {
    if (IsHttpScenario(spec.name)) {
      // Each connection carries one request at a time: connections are the calls in flight.
      const int connections = spec.in_flight > 0 ? spec.in_flight : options.http_connections;
      report(spec.name, connections, connections,
             RunHttpScenario(options, http->by_name.at(spec.name), connections,
                             IsHelloScenario(spec.name) ? options.hello_pid : options.server_pid));
      continue;
    }
    LoadSettings settings;
    settings.in_flight = spec.in_flight > 0 ? spec.in_flight : options.in_flight;
    settings.warmup = options.warmup;
    settings.duration = options.duration;
    settings.server_pid = spec.name == "echo" ? options.echo_pid : options.server_pid;
    const std::vector<std::shared_ptr<grpc::Channel>>* channels = &warden_channels;
    std::unique_ptr<CallFactory> calls;
    std::unique_ptr<BenchIssuer> issuer;    // lives until the exchange scenario ends
    std::unique_ptr<LocalValidator> local;  // validate-local: validates in this process
    if (spec.name == "echo") {
      calls = EchoCalls(token, response_size, caller);
      channels = &echo_channels;
    } else if (spec.name == "validate-cached") {
      calls = ValidateCalls({token}, caller);
    } else if (spec.name == "validate-distinct") {
      absl::Status ready =
          MintUpTo(minted, static_cast<size_t>(options.distinct_tokens), admin, warden_channels);
      if (!ready.ok()) return Fail(ready);
      calls = ValidateCalls(minted.Snapshot(), caller);
    } else if (spec.name == "generate") {
      calls = GenerateCalls({kRole}, admin, &minted);
    } else if (spec.name == "exchange") {
      if (options.issuer_cert.empty() || options.issuer_key.empty()) {
        return Fail(absl::InvalidArgumentError("exchange needs --issuer-cert and --issuer-key"));
      }
      absl::StatusOr<std::unique_ptr<BenchIssuer>> started =
          BenchIssuer::Start(options.issuer_cert, options.issuer_key);
      if (!started.ok()) return Fail(started.status());
      issuer = *std::move(started);
      absl::Status added =
          setup->AddM2mConfig(issuer->url(), kIdTokenAudience, "Continuous Integration", "5m");
      if (!added.ok()) return Fail(added);
      std::vector<std::string> id_tokens;
      for (int i = 0; i < kIdTokens; ++i) {
        id_tokens.push_back(issuer->IdToken(absl::StrCat("system:serviceaccount:bench:sa-", i),
                                            kIdTokenAudience, absl::Minutes(30)));
      }
      calls = ExchangeCalls(std::move(id_tokens));
    } else if (spec.name == "list" || spec.name == "list-walk") {
      calls = ListCalls(options.page_size, spec.name == "list-walk", admin);
    } else if (spec.name == "validate-local" || spec.name == "validate-local-cached" ||
               spec.name == "validate-local-shared") {
      // No call per token: warden::LocalValidator checks tokens in this process, with keys
      // and revocations it keeps current over one watch stream. One thread per core unless
      // NAME@N says otherwise.
      ClientOptions client;
      client.endpoint = options.target;
      client.credentials = caller_credentials;
      LocalValidatorOptions local_options;
      local_options.cache_size = static_cast<size_t>(options.local_cache_size);
      absl::StatusOr<std::unique_ptr<LocalValidator>> started =
          LocalValidator::Start(client, local_options);
      if (!started.ok()) return Fail(started.status());
      local = *std::move(started);
      settings.in_flight = spec.in_flight > 0
                               ? spec.in_flight
                               : static_cast<int>(std::thread::hardware_concurrency());
    }
    LoadResult result;
    if (local != nullptr) {
      // The tokens of validate-distinct (or generate) when there are any, else the one token.
      // validate-local-cached and validate-local-shared: the one token; the second through
      // ValidateShared, which hands out the answer it keeps instead of a copy.
      const std::vector<std::string> tokens = minted.size() > 0 && spec.name == "validate-local"
                                                  ? minted.Snapshot()
                                                  : std::vector<std::string>{token};
      const bool shared = spec.name == "validate-local-shared";
      result = RunInProcess(
          [&local, shared](const std::string& t) {
            return shared ? local->ValidateShared(t).status() : local->Validate(t).status();
          },
          tokens, settings.in_flight, settings.warmup, settings.duration, settings.server_pid);
    } else {
      result = RunLoad(*calls, *channels, settings);
    }
    report(spec.name, settings.in_flight, options.channels, result);
  }
  if (options.require_no_errors && (failed > 0 || idle)) {
    std::cerr << "warden-bench: " << failed << " calls failed"
              << (idle ? "; a scenario made no successful call" : "") << "\n";
    return 1;
  }
  return 0;
}

// Waits for grpc.health.v1 to report SERVING (a Watch, so no polling interval adds to the
// figure) and prints the time since `since_epoch_ns`, e.g. the server's exec.
int WaitServing(const BenchOptions& options) {
  if (options.target.empty()) return Fail(absl::InvalidArgumentError("--target is required"));
  std::shared_ptr<grpc::Channel> channel = MakeChannels(options.target, 1)[0];
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
  context.set_wait_for_ready(true);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  auto reader = stub->Watch(&context, request);
  while (reader->Read(&response)) {
    if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) continue;
    const int64_t now_ns = absl::ToUnixNanos(absl::Now());
    context.TryCancel();
    reader->Finish().IgnoreError();
    if (options.since_epoch_ns > 0) {
      std::cout << absl::StrFormat("serving_ms=%.1f\n",
                                   static_cast<double>(now_ns - options.since_epoch_ns) / 1e6);
    } else {
      std::cout << "SERVING\n";
    }
    return 0;
  }
  grpc::Status status = reader->Finish();
  std::cerr << "warden-bench: " << options.target
            << " did not report SERVING: " << status.error_message() << "\n";
  return 1;
}

int Main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::cout << BenchUsage();
      return 0;
    }
  }
  absl::StatusOr<BenchOptions> options = ParseBenchOptions(argc, argv);
  if (!options.ok()) {
    std::cerr << "warden-bench: " << options.status().message() << "\n" << BenchUsage();
    return 2;
  }
  if (options->command == "wait-serving") return WaitServing(*options);
  if (options->command == "last-use") {
    return RunLastUseBench(options->crypto_seconds, options->threads, options->results);
  }
  if (options->command == "h2load-files") {
    if (options->target.empty() || options->admin_password_file.empty() ||
        options->out_dir.empty()) {
      return Fail(absl::InvalidArgumentError(
          "h2load-files needs --target, --admin-password-file and --out-dir"));
    }
    absl::Status written =
        WriteH2loadFiles(options->target, options->admin_password_file, options->out_dir);
    return written.ok() ? 0 : Fail(written);
  }
  if (options->command == "crypto") {
    return RunCryptoBench(options->crypto_seconds, options->threads, options->results);
  }
  return Run(*options);
}

}  // namespace
}  // namespace warden::bench

int main(int argc, char** argv) { return warden::bench::Main(argc, argv); }
