#include "server/metrics/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace warden {
namespace {

// gRPC's status code name ("OK", "NOT_FOUND", ...). absl::StatusCode values are gRPC's codes
// (server/rpc/status.cc relies on the same), so Abseil's names serve.
std::string CodeName(int code) {
  std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? "UNKNOWN" : name;
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

// One per RPC: notes the start, records method, code and duration when the status is sent.
class RpcInterceptor final : public grpc::experimental::Interceptor {
 public:
  RpcInterceptor(Metrics& metrics, const char* method)
      : metrics_(metrics), method_(method != nullptr ? method : "unknown"), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_.RecordRpc(method_, methods->GetSendStatus().error_code(), absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  Metrics& metrics_;
  const std::string method_;
  const absl::Time start_;
};

class RpcInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcInterceptorFactory(Metrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcInterceptor(metrics_, info->method());
  }

 private:
  Metrics& metrics_;
};

}  // namespace

// Gauges and counters read from their sources when scraped (AddScrapeGauge,
// AddScrapeCounter).
class Metrics::ScrapeGauges final : public prometheus::Collectable {
 public:
  void Add(std::string name, std::string help, GaugeSource source, prometheus::MetricType type) {
    absl::MutexLock lock(&mu_);
    gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(source), type});
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    gauges_.clear();
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    absl::MutexLock lock(&mu_);
    std::vector<prometheus::MetricFamily> families;
    for (const Gauge& gauge : gauges_) {
      std::optional<double> value = gauge.source();
      if (!value.has_value()) continue;
      prometheus::MetricFamily family;
      family.name = gauge.name;
      family.help = gauge.help;
      family.type = gauge.type;
      prometheus::ClientMetric metric;
      if (gauge.type == prometheus::MetricType::Counter) {
        metric.counter.value = *value;
      } else {
        metric.gauge.value = *value;
      }
      family.metric.push_back(std::move(metric));
      families.push_back(std::move(family));
    }
    return families;
  }

 private:
  struct Gauge {
    std::string name;
    std::string help;
    GaugeSource source;
    prometheus::MetricType type;  // Gauge or Counter
  };
  mutable absl::Mutex mu_;
  std::vector<Gauge> gauges_ ABSL_GUARDED_BY(mu_);
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      scrape_gauges_(std::make_shared<ScrapeGauges>()),
      validations_(prometheus::BuildCounter()
                       .Name("warden_token_validations_total")
                       .Help("Warden tokens validated, by outcome (ok or rejected)")
                       .Register(*registry_)),
      validations_ok_(validations_.Add({{"outcome", "ok"}})),
      validations_rejected_(validations_.Add({{"outcome", "rejected"}})),
      feed_revocations_(prometheus::BuildCounter()
                            .Name("warden_revocations_applied_total")
                            .Help("Revocations by other replicas applied from the change feed")
                            .Register(*registry_)
                            .Add({})),
      propagation_lag_(
          prometheus::BuildHistogram()
              .Name("warden_revocation_propagation_seconds")
              .Help("From a revocation on another replica (its clock) to this replica applying "
                    "it from the change feed")
              .Register(*registry_)
              .Add({}, LatencyBuckets())),
      rpc_{prometheus::BuildCounter()
               .Name("warden_rpc_total")
               .Help("gRPC calls answered, by full method name and status code")
               .Register(*registry_),
           prometheus::BuildHistogram()
               .Name("warden_rpc_duration_seconds")
               .Help("Time from a call's start to its status being sent, by method")
               .Register(*registry_),
           "method",
           "code",
           {},
           {}},
      http_{prometheus::BuildCounter()
                .Name("warden_http_requests_total")
                .Help("HTTP requests answered, by route (a path template) and HTTP status")
                .Register(*registry_),
            prometheus::BuildHistogram()
                .Name("warden_http_request_duration_seconds")
                .Help("Time from an HTTP request read to its answer built, by route")
                .Register(*registry_),
            "route",
            "status",
            {},
            {}} {}

Metrics::~Metrics() { Stop(); }

absl::Status Metrics::Serve(const std::string& listen) {
  absl::MutexLock lock(&exposer_mu_);
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot serve metrics on ", listen, " (in use, or not a host:port?): ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(scrape_gauges_);
  LOG(INFO) << "Prometheus metrics on http://" << listen << "/metrics";
  return absl::OkStatus();
}

void Metrics::Stop() {
  std::unique_ptr<prometheus::Exposer> exposer;
  {
    absl::MutexLock lock(&exposer_mu_);
    exposer = std::move(exposer_);
  }
  exposer.reset();  // joins the HTTP threads: no scrape runs after this
  scrape_gauges_->Clear();
}

void Metrics::RecordCall(CallFamily& family, absl::string_view label, const std::string& outcome,
                         absl::Duration elapsed) {
  prometheus::Counter* counter;
  prometheus::Histogram* histogram;
  {
    absl::MutexLock lock(&mu_);
    std::string key = absl::StrCat(label, " ", outcome);
    auto it = family.counters.find(key);
    if (it == family.counters.end()) {
      it = family.counters
               .emplace(std::move(key), &family.total.Add({{family.label, std::string(label)},
                                                           {family.outcome, outcome}}))
               .first;
    }
    counter = it->second;
    auto hit = family.histograms.find(label);
    if (hit == family.histograms.end()) {
      hit =
          family.histograms
              .emplace(std::string(label),
                       &family.duration.Add({{family.label, std::string(label)}}, LatencyBuckets()))
              .first;
    }
    histogram = hit->second;
  }
  counter->Increment();
  histogram->Observe(absl::ToDoubleSeconds(elapsed));
}

void Metrics::RecordRpc(absl::string_view method, int code, absl::Duration elapsed) {
  RecordCall(rpc_, method, CodeName(code), elapsed);
}

void Metrics::RecordHttp(absl::string_view route, int status, absl::Duration elapsed) {
  RecordCall(http_, route, std::to_string(status), elapsed);
}

void Metrics::RecordValidation(bool ok) {
  (ok ? validations_ok_ : validations_rejected_).Increment();
}

void Metrics::RecordFeedRevocation(std::optional<absl::Duration> lag) {
  feed_revocations_.Increment();
  // A clock behind the sender's can make the lag negative; it is then recorded as zero.
  if (lag.has_value()) propagation_lag_.Observe(std::max(0.0, absl::ToDoubleSeconds(*lag)));
}

void Metrics::AddScrapeGauge(std::string name, std::string help, GaugeSource source) {
  scrape_gauges_->Add(std::move(name), std::move(help), std::move(source),
                      prometheus::MetricType::Gauge);
}

void Metrics::AddScrapeCounter(std::string name, std::string help, GaugeSource source) {
  scrape_gauges_->Add(std::move(name), std::move(help), std::move(source),
                      prometheus::MetricType::Counter);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
Metrics::InterceptorFactory() {
  return std::make_unique<RpcInterceptorFactory>(*this);
}

std::string Metrics::Text() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (prometheus::MetricFamily& family : scrape_gauges_->Collect()) {
    families.push_back(std::move(family));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace warden
