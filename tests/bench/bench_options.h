#pragma once

// warden-bench's command line: a subcommand and `--name=value` flags.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::bench {

// One scenario to run, with the in-flight count it runs at ("generate@32" overrides
// --in-flight for that scenario).
struct ScenarioSpec {
  std::string name;
  int in_flight = 0;
};

struct BenchOptions {
  std::string command = "run";  // run | wait-serving | crypto | last-use | h2load-files

  // run
  std::string target;       // warden-server host:port
  std::string echo_target;  // warden-bench-echo host:port
  std::vector<ScenarioSpec> scenarios;
  int in_flight = 32;
  int channels = 2;
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);
  std::string admin_password_file;
  std::string caller = "token";  // ValidateToken callers authenticate with: token | admin
  int distinct_tokens = 10000;
  // validate-local's LocalValidator cache: fewer entries than tokens it cycles through.
  int local_cache_size = 1000;
  int page_size = 100;
  std::string issuer_cert;  // PEM certificate and key of the exchange scenario's issuer
  std::string issuer_key;
  std::string results;  // append one TSV row per scenario to this file
  bool require_no_errors = false;
  int server_pid = 0;  // report warden-server's CPU time per call (0: not)
  int echo_pid = 0;    // the same for warden-bench-echo
  // The HTTP scenarios (http_scenarios.h).
  std::string http_target;   // warden-server's HTTP listener (WARDEN_HTTP_LISTEN), host:port
  std::string hello_target;  // warden-bench-hello host:port
  int hello_pid = 0;         // report warden-bench-hello's CPU time per call (0: not)
  // Keep-alive connections, one request in flight on each (NAME@N overrides). Warden's
  // listener serves 16 connections at a time; more would wait for a free thread.
  int http_connections = 16;
  std::string http_client = "raw";  // raw (warden-bench's own) | httplib (httplib::Client)
  int http_threads = 1;             // the raw client's epoll loops

  // wait-serving
  absl::Duration timeout = absl::Seconds(60);
  int64_t since_epoch_ns = 0;  // report the time from this instant (date +%s%N) to SERVING

  // h2load-files (also takes --target and --admin-password-file)
  std::string out_dir;

  // crypto
  absl::Duration crypto_seconds = absl::Seconds(2);
  int threads = 0;  // 0: 1 and then every core
};

// Every scenario warden-bench knows, in the order `all` runs them.
const std::vector<std::string>& KnownScenarios();

// Parses argv. INVALID_ARGUMENT naming the flag on anything unknown or malformed.
absl::StatusOr<BenchOptions> ParseBenchOptions(int argc, char** argv);

// The usage text.
std::string BenchUsage();

}  // namespace warden::bench
