#include "storage/pg/executor.h"

#include <exception>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "glog/logging.h"
#include "storage/pg/connection_options.h"
#include "storage/pg/errors.h"

namespace warden::storage {
namespace {

// The executor whose pool runs the current thread, to catch Shutdown()/Ping() from inside it.
thread_local const StorageExecutor* current_executor = nullptr;

}  // namespace

struct StorageExecutor::Worker {
  std::unique_ptr<pqxx::connection> conn;  // null until connected, and after a loss
  size_t prepared = 0;                     // how many of statements_ `conn` has prepared
};

StorageExecutor::StorageExecutor(DatabaseOptions options, const Clock& clock)
    : options_(std::move(options)),
      connection_string_(WithConnectionOptions(options_.url, options_.connect_timeout,
                                               options_.statement_timeout)),
      clock_(clock) {
  CHECK_GE(options_.pool_size, 1) << "database pool size must be at least 1";
  CHECK_GE(options_.max_queued, 1) << "database queue must hold at least 1 task";
  for (int i = 0; i < options_.pool_size; ++i) {
    workers_.push_back(std::make_unique<Worker>());
  }
  for (auto& worker : workers_) {
    threads_.emplace_back([this, w = worker.get()] { Loop(*w); });
  }
}

StorageExecutor::~StorageExecutor() { Shutdown(); }

void StorageExecutor::Prepare(std::string name, std::string sql) {
  absl::MutexLock lock(&mu_);
  for (const auto& [existing, existing_sql] : statements_) {
    if (existing != name) continue;
    CHECK_EQ(existing_sql, sql) << "prepared statement " << name << " registered twice";
    return;
  }
  statements_.emplace_back(std::move(name), std::move(sql));
}

void StorageExecutor::Run(Work work, Done done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError("database unavailable: storage is shutting down");
    } else if (queue_.size() >= static_cast<size_t>(options_.max_queued)) {
      ++refused_;
      refused = absl::ResourceExhaustedError("the database queue is full; retry later");
    } else {
      queue_.push_back(Task{std::move(work), std::move(done), CurrentCall()});
      return;
    }
  }
  done(std::move(refused));  // inline, outside the lock
}

StorageExecutor::PoolStats StorageExecutor::Stats() const {
  absl::MutexLock lock(&mu_);
  return PoolStats{options_.pool_size, in_use_,  static_cast<int>(queue_.size()),
                   refused_,           expired_, cancelled_};
}

absl::Status StorageExecutor::Ping() {
  CHECK(current_executor != this) << "Ping() would wait for its own pool";
  return Await<absl::Status>([this](Done done) {
    Run(
        [](pqxx::connection_base& conn) {
          pqxx::nontransaction tx(conn, "ping");
          tx.exec1("SELECT 1");
          return absl::OkStatus();
        },
        std::move(done));
  });
}

void StorageExecutor::Shutdown() {
  CHECK(current_executor != this) << "Shutdown() would join its own thread";
  absl::MutexLock join_lock(&join_mu_);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

bool StorageExecutor::HasWorkOrStopping() const { return !queue_.empty() || stopping_; }

void StorageExecutor::Loop(Worker& worker) {
  current_executor = this;
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &StorageExecutor::HasWorkOrStopping));
      if (queue_.empty()) break;  // stopping, and everything queued is done
      task = std::move(queue_.front());
      queue_.pop_front();
      ++in_use_;
    }
    // Asked outside the lock: `cancelled` is the transport's code.
    absl::Status status = StillAwaited(task.call.get());
    const bool dropped = !status.ok();
    if (!dropped) status = Execute(worker, task.work);
    {
      absl::MutexLock lock(&mu_);
      --in_use_;
      if (dropped) ++(absl::IsCancelled(status) ? cancelled_ : expired_);
    }
    task.call.reset();  // before `done`, which may end the call it refers to
    task.done(std::move(status));
  }
  worker.conn.reset();
}

absl::Status StorageExecutor::CheckAwaited(const CallScope* call) {
  absl::Status status = StillAwaited(call);
  if (!status.ok()) {
    absl::MutexLock lock(&mu_);
    ++(absl::IsCancelled(status) ? cancelled_ : expired_);
  }
  return status;
}

absl::Status StorageExecutor::StillAwaited(const CallScope* call) const {
  if (call == nullptr) return absl::OkStatus();
  if (clock_.Now() >= call->deadline) {
    return absl::DeadlineExceededError(
        "the call's deadline passed while it waited for a database connection");
  }
  if (call->Cancelled()) {
    return absl::CancelledError("the call was cancelled while it waited for a database connection");
  }
  return absl::OkStatus();
}

absl::Status StorageExecutor::Execute(Worker& worker, const Work& work) {
  absl::Status status;
  for (int attempt = 0; attempt <= kMaxRetries; ++attempt) {
    status = EnsureConnected(worker);
    if (!status.ok()) return status;
    bool threw = false;
    try {
      status = work(*worker.conn);
    } catch (...) {
      status = StatusFromException(std::current_exception());
      threw = true;
    }
    if (status.ok() || !threw) return status;
    if (IsConnectionLoss(status) || !worker.conn->is_open()) {
      LOG(WARNING) << "Dropping database connection: " << status;
      worker.conn.reset();
      return status;
    }
    if (!IsRetryable(status)) return status;
    VLOG(1) << "Retrying database work after: " << status;
  }
  return status;
}

absl::Status StorageExecutor::EnsureConnected(Worker& worker) {
  if (worker.conn == nullptr) {
    {
      absl::MutexLock lock(&mu_);
      if (clock_.Now() < reconnect_after_) return absl::UnavailableError(last_connect_error_);
    }
    try {
      worker.conn = std::make_unique<pqxx::connection>(connection_string_);
      worker.prepared = 0;
    } catch (...) {
      absl::Status status = StatusFromException(std::current_exception());
      if (!absl::IsUnavailable(status)) {
        status = absl::UnavailableError(
            absl::StrCat("database unavailable: cannot connect: ", status.message()));
      }
      LOG(WARNING) << "Cannot connect to the database: " << status;
      absl::MutexLock lock(&mu_);
      reconnect_after_ = clock_.Now() + kReconnectBackoff;
      last_connect_error_ = std::string(status.message());
      return status;
    }
    absl::MutexLock lock(&mu_);
    reconnect_after_ = absl::InfinitePast();
  }
  std::vector<std::pair<std::string, std::string>> missing;
  {
    absl::MutexLock lock(&mu_);
    missing.assign(statements_.begin() + static_cast<ptrdiff_t>(worker.prepared),
                   statements_.end());
  }
  // libpqxx sends these to the server on first use; preparing here costs no round trip.
  try {
    for (const auto& [name, sql] : missing) worker.conn->prepare(name, sql);
  } catch (...) {
    worker.conn.reset();
    return StatusFromException(std::current_exception());
  }
  worker.prepared += missing.size();
  return absl::OkStatus();
}

}  // namespace warden::storage
