#pragma once

// An HttpFetcher that answers from a table, records every request, and can hold requests
// back, for tests of discovery and the key cache without a network.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/oidc/http_fetcher.h"

namespace warden::oidc::testing {

class FakeHttpFetcher final : public HttpFetcher {
 public:
  struct Request {
    std::string url;
    std::optional<std::string> bearer_token;
    std::string ca_file;
  };
  // Decides the answer for one request; nullopt falls back to the table.
  using Handler = std::function<std::optional<absl::StatusOr<HttpResponse>>(
      const std::string& url, const FetchOptions& options)>;

  void Serve(const std::string& url, std::string body) {
    absl::MutexLock lock(&mu_);
    answers_[url] = HttpResponse{200, std::move(body), "application/json"};
  }
  void Fail(const std::string& url, absl::Status status) {
    absl::MutexLock lock(&mu_);
    answers_[url] = std::move(status);
  }
  void SetHandler(Handler handler) {
    absl::MutexLock lock(&mu_);
    handler_ = std::move(handler);
  }
  // Every Get takes at least this long (real time): widens the window for concurrent callers.
  void SetLatency(absl::Duration latency) {
    absl::MutexLock lock(&mu_);
    latency_ = latency;
  }

  absl::StatusOr<HttpResponse> Get(const std::string& url, const FetchOptions& options) override {
    Handler handler;
    absl::Duration latency;
    {
      absl::MutexLock lock(&mu_);
      requests_.push_back(Request{url, options.bearer_token, options.ca_file});
      handler = handler_;
      latency = latency_;
    }
    if (latency > absl::ZeroDuration()) absl::SleepFor(latency);
    absl::StatusOr<HttpResponse> answer = absl::NotFoundError("unset");
    std::optional<absl::StatusOr<HttpResponse>> handled;
    if (handler) handled = handler(url, options);
    if (handled.has_value()) {
      answer = *std::move(handled);
    } else {
      absl::MutexLock lock(&mu_);
      const auto it = answers_.find(url);
      answer = it == answers_.end() ? HttpStatusError(url, 404) : it->second;
    }
    if (answer.ok() && answer->body.size() > options.max_bytes) {
      return absl::FailedPreconditionError(absl::StrCat("GET ", url, ": response is too large"));
    }
    return answer;
  }

  // Answers POSTs (token and device endpoints); unset: 404 for every POST.
  using PostHandler = std::function<absl::StatusOr<HttpResponse>(
      const std::string& url, const std::string& form, const std::optional<std::string>& auth)>;
  void SetPostHandler(PostHandler handler) {
    absl::MutexLock lock(&mu_);
    post_handler_ = std::move(handler);
  }

  absl::StatusOr<HttpResponse> PostForm(const std::string& url, const std::string& form,
                                        const std::optional<std::string>& authorization,
                                        const FetchOptions& options) override {
    PostHandler handler;
    {
      absl::MutexLock lock(&mu_);
      requests_.push_back(Request{url, options.bearer_token, options.ca_file});
      handler = post_handler_;
    }
    if (!handler) return HttpResponse{404, "{}", "application/json"};
    return handler(url, form, authorization);
  }

  std::vector<Request> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  int CountOf(const std::string& url) const {
    absl::MutexLock lock(&mu_);
    int n = 0;
    for (const Request& request : requests_) n += request.url == url;
    return n;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, absl::StatusOr<HttpResponse>> answers_ ABSL_GUARDED_BY(mu_);
  Handler handler_ ABSL_GUARDED_BY(mu_);
  PostHandler post_handler_ ABSL_GUARDED_BY(mu_);
  absl::Duration latency_ ABSL_GUARDED_BY(mu_);
  std::vector<Request> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden::oidc::testing
