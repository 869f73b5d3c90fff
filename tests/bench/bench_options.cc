#include "tests/bench/bench_options.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace warden::bench {
namespace {

absl::Status Bad(const std::string& flag, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", why));
}

absl::Status ParseInt(const std::string& flag, const std::string& value, int min, int* out) {
  if (!absl::SimpleAtoi(value, out) || *out < min) {
    return Bad(flag, absl::StrCat("expected a whole number of at least ", min));
  }
  return absl::OkStatus();
}

absl::Status ParseDuration(const std::string& flag, const std::string& value, absl::Duration* out) {
  if (!absl::ParseDuration(value, out) || *out < absl::ZeroDuration()) {
    return Bad(flag, "expected a duration such as 500ms, 10s or 1m");
  }
  return absl::OkStatus();
}

absl::Status ParseScenarios(const std::string& value, std::vector<ScenarioSpec>* out) {
  out->clear();
  for (absl::string_view item : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(item, '@');
    ScenarioSpec spec;
    spec.name = parts[0];
    if (parts.size() > 2 || (parts.size() == 2 && (!absl::SimpleAtoi(parts[1], &spec.in_flight) ||
                                                   spec.in_flight < 1))) {
      return Bad("scenarios", absl::StrCat("expected NAME or NAME@IN_FLIGHT, got ", item));
    }
    if (spec.name == "all") {
      for (const std::string& name : KnownScenarios()) out->push_back({name, spec.in_flight});
      continue;
    }
    const auto& known = KnownScenarios();
    if (std::find(known.begin(), known.end(), spec.name) == known.end()) {
      return Bad("scenarios", absl::StrCat("unknown scenario ", spec.name));
    }
    out->push_back(spec);
  }
  if (out->empty()) return Bad("scenarios", "name at least one scenario");
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& KnownScenarios() {
  static const auto* const names = new std::vector<std::string>{"echo",
                                                                "validate-cached",
                                                                "generate",
                                                                "validate-distinct",
                                                                "exchange",
                                                                "list",
                                                                "list-walk",
                                                                "validate-local",
                                                                "validate-local-cached",
                                                                "validate-local-shared",
                                                                "http-hello",
                                                                "http-validate",
                                                                "http-hello-get",
                                                                "http-jwks"};
  return *names;
}

absl::StatusOr<BenchOptions> ParseBenchOptions(int argc, char** argv) {
  BenchOptions options;
  int first = 1;
  if (argc > 1 && argv[1][0] != '-') {
    options.command = argv[1];
    first = 2;
  }
  if (options.command != "run" && options.command != "wait-serving" &&
      options.command != "crypto" && options.command != "last-use" &&
      options.command != "h2load-files") {
    return absl::InvalidArgumentError(absl::StrCat("unknown command ", options.command));
  }
  std::string scenarios = "all";
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--require-no-errors") {
      options.require_no_errors = true;
      continue;
    }
    const size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("expected --name=value, got ", arg));
    }
    const std::string name = arg.substr(2, eq - 2);
    const std::string value = arg.substr(eq + 1);
    absl::Status parsed = absl::OkStatus();
    if (name == "target") {
      options.target = value;
    } else if (name == "echo-target") {
      options.echo_target = value;
    } else if (name == "scenarios") {
      scenarios = value;
    } else if (name == "in-flight") {
      parsed = ParseInt(name, value, 1, &options.in_flight);
    } else if (name == "channels") {
      parsed = ParseInt(name, value, 1, &options.channels);
    } else if (name == "duration") {
      parsed = ParseDuration(name, value, &options.duration);
    } else if (name == "warmup") {
      parsed = ParseDuration(name, value, &options.warmup);
    } else if (name == "admin-password-file") {
      options.admin_password_file = value;
    } else if (name == "caller") {
      options.caller = value;
      if (value != "token" && value != "admin") parsed = Bad(name, "expected token or admin");
    } else if (name == "local-cache-size") {
      parsed = ParseInt(name, value, 0, &options.local_cache_size);
    } else if (name == "distinct-tokens") {
      parsed = ParseInt(name, value, 1, &options.distinct_tokens);
    } else if (name == "page-size") {
      parsed = ParseInt(name, value, 1, &options.page_size);
    } else if (name == "issuer-cert") {
      options.issuer_cert = value;
    } else if (name == "issuer-key") {
      options.issuer_key = value;
    } else if (name == "results") {
      options.results = value;
    } else if (name == "server-pid") {
      parsed = ParseInt(name, value, 1, &options.server_pid);
    } else if (name == "echo-pid") {
      parsed = ParseInt(name, value, 1, &options.echo_pid);
    } else if (name == "http-target") {
      options.http_target = value;
    } else if (name == "hello-target") {
      options.hello_target = value;
    } else if (name == "hello-pid") {
      parsed = ParseInt(name, value, 1, &options.hello_pid);
    } else if (name == "http-connections") {
      parsed = ParseInt(name, value, 1, &options.http_connections);
    } else if (name == "http-client") {
      options.http_client = value;
      if (value != "raw" && value != "httplib") parsed = Bad(name, "expected raw or httplib");
    } else if (name == "http-threads") {
      parsed = ParseInt(name, value, 1, &options.http_threads);
    } else if (name == "out-dir") {
      options.out_dir = value;
    } else if (name == "timeout") {
      parsed = ParseDuration(name, value, &options.timeout);
    } else if (name == "since-epoch-ns") {
      if (!absl::SimpleAtoi(value, &options.since_epoch_ns)) parsed = Bad(name, "expected ns");
    } else if (name == "seconds") {
      parsed = ParseDuration(name, value, &options.crypto_seconds);
    } else if (name == "threads") {
      parsed = ParseInt(name, value, 0, &options.threads);
    } else {
      parsed = absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (!parsed.ok()) return parsed;
  }
  if (options.command == "run") {
    if (absl::Status s = ParseScenarios(scenarios, &options.scenarios); !s.ok()) return s;
  }
  return options;
}

std::string BenchUsage() {
  return R"(usage:
  warden-bench [run] --target=HOST:PORT --echo-target=HOST:PORT --admin-password-file=PATH
               [--scenarios=all|NAME[@IN_FLIGHT],...] [--in-flight=32] [--channels=2]
               [--duration=10s] [--warmup=2s] [--caller=token|admin] [--distinct-tokens=10000]
               [--local-cache-size=1000]
               [--page-size=100] [--issuer-cert=PEM --issuer-key=PEM] [--results=FILE.tsv]
               [--server-pid=PID --echo-pid=PID] [--require-no-errors]
               [--http-target=HOST:PORT --hello-target=HOST:PORT --hello-pid=PID]
               [--http-connections=16] [--http-client=raw|httplib] [--http-threads=1]
      scenarios: echo validate-cached generate validate-distinct exchange list list-walk
                 validate-local validate-local-cached validate-local-shared
                 http-hello http-validate http-hello-get http-jwks
      The http-* scenarios speak HTTP/1.1 over --http-connections keep-alive connections
      (NAME@N: N of them), one request in flight on each: http-validate and http-jwks to
      Warden's HTTP listener (--http-target), http-hello and http-hello-get to
      warden-bench-hello (--hello-target), which answers as many bytes as Warden's
      ValidateToken and JWKS answers. Their "vs base" compares with the last hello run.
      --http-client=httplib sends with httplib::Client, one thread per connection, instead
      of warden-bench's own client (--http-threads epoll loops).
      validate-local runs warden::LocalValidator in this process (one thread per core, or
      NAME@THREADS) on the tokens minted for validate-distinct or generate, with a cache of
      --local-cache-size tokens (default 1000, fewer than the tokens it cycles through, so
      every one is checked by signature); validate-local-cached on the one token, again and
      again (its cache path); validate-local-shared the same through ValidateShared, which
      returns the answer it keeps rather than a copy.
      With the servers' PIDs it also reports their CPU time per call; it always reports
      its own, and how busy the machine's cores were.
  warden-bench wait-serving --target=HOST:PORT [--timeout=60s] [--since-epoch-ns=N]
      waits until grpc.health.v1 reports SERVING; prints the milliseconds since N
  warden-bench h2load-files --target=HOST:PORT --admin-password-file=PATH --out-dir=DIR
      mints a caller token and a token to validate, and writes DIR/validate.grpc and
      DIR/echo.grpc (gRPC-framed requests) and DIR/authorization, for h2load -d and -H
  warden-bench crypto [--seconds=2s] [--threads=0]
  warden-bench last-use [--seconds=2s] [--threads=0]
      TokenValidator in process, with and without last-use recording (cache and signature
      paths), rounds in the order on, off, off, on, on, off
      ES256 sign/verify rates through Warden's own jose code, in this process
)";
}

}  // namespace warden::bench
