#pragma once

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace warden {

// The server's Prometheus metrics: one registry, served as text on /metrics of an
// optional separate HTTP port (WARDEN_METRICS_LISTEN). Recording works whether or not it is
// served. Thread-safe; must outlive the gRPC server it intercepts.
//
//   warden_rpc_total{method,code}               counter, every RPC answered
//   warden_rpc_duration_seconds{method}         histogram, RPC start to status sent
//   warden_http_requests_total{route,status}    counter, every HTTP request answered
//   warden_http_request_duration_seconds{route} histogram, request read to answer built
//   warden_token_validations_total{outcome}     counter, outcome "ok" or "rejected"
//   warden_revocations_applied_total            counter, revocations applied from the feed
//   warden_revocation_propagation_seconds       histogram, revoking replica's clock at the
//                                               revocation to this replica applying it
//   and the gauges and counters the server adds with AddScrapeGauge / AddScrapeCounter
//   (read at scrape time): warden_notifier_tokens_expiring, warden_db_pool_size,
//   warden_db_pool_in_use, warden_db_pool_waiting, warden_db_tasks_refused_total,
//   warden_db_tasks_expired_total, warden_db_tasks_cancelled_total, warden_audit_pending,
//   warden_last_used_pending, warden_last_used_dropped, warden_validation_cache_entries,
//   warden_validation_cache_hits_total, warden_validation_cache_misses_total,
//   warden_tokens_revoked_inactive_total, warden_tokens_deleted_total
class Metrics final {
 public:
  // Reads a gauge at scrape time; nullopt: nothing to report yet (the gauge is absent).
  using GaugeSource = std::function<std::optional<double>()>;

  Metrics();
  ~Metrics();  // Stop()s

  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Serves GET /metrics on `listen` (host:port). FAILED_PRECONDITION if it cannot bind.
  // REQUIRES: called at most once.
  absl::Status Serve(const std::string& listen);
  // Stops serving; afterwards no scrape calls the ExpiringSource. Idempotent.
  void Stop();

  // Records one RPC. `method` is gRPC's full name, "/package.Service/Method".
  void RecordRpc(absl::string_view method, int code, absl::Duration elapsed);
  // Records one HTTP request. `route` is a bounded label (a path template or "other").
  void RecordHttp(absl::string_view route, int status, absl::Duration elapsed);
  void RecordValidation(bool ok);
  // Records a revocation applied from the change feed; `lag` when the notice said when it
  // was sent (older replicas' notices do not).
  void RecordFeedRevocation(std::optional<absl::Duration> lag);
  // Adds a gauge whose value `source` gives at each scrape. Called from scrape threads
  // until Stop(). REQUIRES: called before Serve(); `name` not added before.
  void AddScrapeGauge(std::string name, std::string help, GaugeSource source);
  // The same for a counter: `source` gives a total that only grows.
  void AddScrapeCounter(std::string name, std::string help, GaugeSource source);

  // For ServerBuilder::experimental().SetInterceptorCreators: records every RPC's method,
  // status code and duration. The factory refers to this object.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

  // The Prometheus text of every metric, as a scrape would see it (tests, debugging).
  std::string Text() const;

 private:
  class ScrapeGauges;
  // A counter by (label, outcome) and a histogram by label, created on first use.
  struct CallFamily {
    prometheus::Family<prometheus::Counter>& total;
    prometheus::Family<prometheus::Histogram>& duration;
    const char* label;    // "method", "route"
    const char* outcome;  // "code", "status"
    absl::flat_hash_map<std::string, prometheus::Counter*> counters;
    absl::flat_hash_map<std::string, prometheus::Histogram*> histograms;
  };
  void RecordCall(CallFamily& family, absl::string_view label, const std::string& outcome,
                  absl::Duration elapsed);

  const std::shared_ptr<prometheus::Registry> registry_;
  const std::shared_ptr<ScrapeGauges> scrape_gauges_;
  prometheus::Family<prometheus::Counter>& validations_;
  prometheus::Counter& validations_ok_;
  prometheus::Counter& validations_rejected_;
  prometheus::Counter& feed_revocations_;
  prometheus::Histogram& propagation_lag_;

  absl::Mutex mu_;  // guards the families' caches; the metrics themselves are thread-safe
  CallFamily rpc_ ABSL_GUARDED_BY(mu_);
  CallFamily http_ ABSL_GUARDED_BY(mu_);

  absl::Mutex exposer_mu_;
  std::unique_ptr<prometheus::Exposer> exposer_ ABSL_GUARDED_BY(exposer_mu_);
};

}  // namespace warden
