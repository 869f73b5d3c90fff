#include "common/thread_pool.h"

#include <utility>

#include "glog/logging.h"

namespace warden {

ThreadPool::ThreadPool(int threads, size_t max_queued) : max_queued_(max_queued) {
  CHECK_GE(threads, 1) << "a thread pool needs at least one thread";
  CHECK_GE(max_queued, 1u) << "a thread pool needs room for at least one task";
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

ThreadPool::~ThreadPool() { Shutdown(); }

bool ThreadPool::Submit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  const auto has_room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || queue_.size() < max_queued_;
  };
  mu_.Await(absl::Condition(&has_room));
  if (stopping_) return false;
  queue_.push_back(std::move(task));
  return true;
}

absl::Status ThreadPool::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("warden is shutting down");
  if (queue_.size() >= max_queued_) {
    return absl::ResourceExhaustedError("warden is too busy to take this request; retry shortly");
  }
  queue_.push_back(std::move(task));
  return absl::OkStatus();
}

void ThreadPool::WaitIdle() {
  absl::MutexLock lock(&mu_);
  const auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.empty() && running_ == 0;
  };
  mu_.Await(absl::Condition(&idle));
}

void ThreadPool::Shutdown() {
  absl::MutexLock join_lock(&join_mu_);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void ThreadPool::Loop() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      const auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !queue_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, and everything queued has run
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    task();
    absl::MutexLock lock(&mu_);
    --running_;
  }
}

}  // namespace warden
