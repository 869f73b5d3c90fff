#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/call_scope.h"
#include "common/clock.h"

// Forward declaration, so that code above storage/ that builds an executor never includes
// libpqxx. Work functions receive the connection; only storage/ code writes them.
namespace pqxx {
class connection_base;
}  // namespace pqxx

namespace warden::storage {

struct DatabaseOptions {
  std::string url;  // libpq URI or keyword/value string
  int pool_size = 4;
  // Tasks that may wait for a free connection; Run refuses more (RESOURCE_EXHAUSTED). At the
  // default pool and a millisecond or two per task, about half a second of backlog: a call
  // queued behind more would mostly outlive its caller's deadline anyway.
  int max_queued = 1024;
  absl::Duration connect_timeout = absl::Seconds(3);
  absl::Duration statement_timeout = absl::Seconds(10);  // server-side, per statement
};

// Runs database work off the caller's thread: a fixed pool of `pool_size` threads, each
// owning one connection, fed from one FIFO queue of at most `max_queued` tasks. gRPC
// reactors hand work here and are finished from `done`, so they never block on PostgreSQL.
//
// A task remembers the call it was queued for (CurrentCall(), common/call_scope.h) and is
// not run if, when a thread takes it, nobody waits for it any more: its call's deadline has
// passed by the injected clock, or the call was cancelled. Work queued outside any call
// (start-up, background jobs) is always run.
//
// Each task runs on some pool thread's connection. Exceptions thrown by `work` are mapped
// by storage/pg/errors.h; ABORTED (serialization failure, deadlock) reruns `work` up to
// kMaxRetries more times, so `work` must open and commit its own transaction and be safe to
// rerun. A lost connection is dropped and reopened for the next task. While the database is
// unreachable, tasks fail fast with UNAVAILABLE for kReconnectBackoff after each failed
// connect instead of each waiting for a connect timeout.
//
// Thread-safe. Connections are opened lazily, by the first task on each thread.
class StorageExecutor final {
 public:
  using Work = std::function<absl::Status(pqxx::connection_base&)>;
  using Done = std::function<void(absl::Status)>;

  static constexpr int kMaxRetries = 3;
  static constexpr absl::Duration kReconnectBackoff = absl::Seconds(1);

  // REQUIRES: options.pool_size >= 1, options.max_queued >= 1; `clock` outlives this
  // executor. Starts the threads; does not connect.
  StorageExecutor(DatabaseOptions options, const Clock& clock);
  // Calls Shutdown().
  ~StorageExecutor();

  StorageExecutor(const StorageExecutor&) = delete;
  StorageExecutor& operator=(const StorageExecutor&) = delete;

  // Registers a prepared statement that every connection prepares when it opens (and
  // connections already open prepare before their next task). Statements are sent to the
  // server lazily, on first use. Stores call this from their constructors. Registering a
  // name again with the same SQL does nothing, so that stores sharing statements (the role
  // tables') each register what they use, whichever of them exist.
  // REQUIRES: `name` not registered yet with other SQL.
  void Prepare(std::string name, std::string sql);

  // Queues `work` for the current call (CurrentCall(), if any); `done` is then called
  // exactly once:
  //  - on a pool thread, with the status of `work`; or without running it, with
  //    DEADLINE_EXCEEDED if the call's deadline had passed when a thread took the task, or
  //    CANCELLED if the call had been cancelled;
  //  - inline, with RESOURCE_EXHAUSTED while `max_queued` tasks are waiting, or with
  //    UNAVAILABLE once Shutdown() has begun.
  // So the caller must not hold a lock that `done` takes. The messages are for clients.
  void Run(Work work, Done done);

  // Typed variant: `done` receives the value `work` returned, or its error.
  // Use as `executor.Run<TokenMetadata>(work, done)`.
  template <typename T>
  void Run(std::function<absl::StatusOr<T>(pqxx::connection_base&)> work,
           std::function<void(absl::StatusOr<T>)> done);

  // For work that serves several calls at once (storage/mint_batcher.h) and is therefore
  // queued outside any call: OK if someone still waits for the part of it done for `call`
  // (null: background work, always OK); else DEADLINE_EXCEEDED or CANCELLED as Run would
  // answer a task of that call, counted in Stats() as a task not run. Any thread.
  absl::Status CheckAwaited(const CallScope* call);

  // A snapshot of the pool, for metrics: threads busy running work (each holding its
  // connection), tasks queued until one is free, and the tasks never run since start, by
  // reason.
  struct PoolStats {
    int size = 0;
    int in_use = 0;
    int waiting = 0;
    int64_t refused = 0;    // the queue was full (RESOURCE_EXHAUSTED)
    int64_t expired = 0;    // the call's deadline had passed (DEADLINE_EXCEEDED)
    int64_t cancelled = 0;  // the call had been cancelled (CANCELLED)
  };
  PoolStats Stats() const;

  // Runs `SELECT 1` on a pool connection and waits for it. Blocking.
  // REQUIRES: not called on a pool thread.
  absl::Status Ping();

  // Stops accepting work, finishes everything queued, joins the threads. Idempotent.
  // REQUIRES: not called on a pool thread (e.g. from a `done`).
  void Shutdown();

 private:
  struct Task {
    Work work;
    Done done;
    std::shared_ptr<const CallScope> call;  // null: background work
  };
  struct Worker;  // one pool thread's connection and bookkeeping (executor.cc)

  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Loop(Worker& worker);
  // OK if someone still waits for work queued for `call`; else why not (see Run).
  absl::Status StillAwaited(const CallScope* call) const;
  absl::Status Execute(Worker& worker, const Work& work);
  absl::Status EnsureConnected(Worker& worker);

  const DatabaseOptions options_;
  const std::string connection_string_;  // options_.url plus timeouts
  const Clock& clock_;

  mutable absl::Mutex mu_;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t expired_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t cancelled_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::pair<std::string, std::string>> statements_ ABSL_GUARDED_BY(mu_);
  absl::Time reconnect_after_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::string last_connect_error_ ABSL_GUARDED_BY(mu_);

  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  absl::Mutex join_mu_;  // serializes Shutdown() callers
};

template <typename T>
void StorageExecutor::Run(std::function<absl::StatusOr<T>(pqxx::connection_base&)> work,
                          std::function<void(absl::StatusOr<T>)> done) {
  // The value of the last attempt; read by `done` only when that attempt returned OK.
  auto result = std::make_shared<std::optional<absl::StatusOr<T>>>();
  Run(
      [work = std::move(work), result](pqxx::connection_base& conn) -> absl::Status {
        result->reset();
        *result = work(conn);
        return (*result)->status();
      },
      [done = std::move(done), result](absl::Status status) {
        if (status.ok()) {
          done(std::move(**result));
        } else {
          done(std::move(status));
        }
      });
}

}  // namespace warden::storage
