#include "storage/mint_batcher.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/call_scope.h"
#include "glog/logging.h"
#include "storage/token_mint.h"

namespace warden::storage {
namespace {

struct PendingMint {
  MintRequest request;
  std::function<void(absl::Status)> done;
  std::shared_ptr<const CallScope> call;  // the call it was handed over in; null: none
};

// Calls `mint`'s done with `status` (ALREADY_EXISTS naming its id).
void Answer(PendingMint& mint, absl::Status status) {
  mint.call.reset();  // before `done`, which may end the call it refers to
  mint.done(NameDuplicate(std::move(status), mint.request.token.id));
}

// The key of the advisory lock warden_mint_token takes for a capped mint.
const std::string& RootOf(const PendingMint& mint) {
  const TokenMetadata& token = mint.request.token;
  return token.root.empty() ? token.created_by : token.root;
}

}  // namespace

// The queue and the one batch in flight. Shared by the batcher and the executor tasks of its
// batches, so that a batch still queued or running when the batcher goes away can finish.
class MintBatcher::Lane final : public std::enable_shared_from_this<Lane> {
 public:
  Lane(StorageExecutor& executor, int lanes) : executor_(executor), lanes_(lanes) {}

  void Add(PendingMint mint);
  Stats stats() const;

 private:
  // The mints of one statement. The first attempt the executor runs takes them from the
  // queue; a rerun (ABORTED) runs the same ones again.
  struct Batch {
    bool taken = false;
    std::vector<PendingMint> mints;
    // Set: the mint's answer, from the statement, or because nobody waits for it any more.
    std::vector<std::optional<absl::Status>> outcomes;
  };

  // Hands a batch to the executor. REQUIRES: this caller counted it in running_.
  void Launch();
  // The batch's work, on a pool thread: one statement in its own implicit transaction.
  absl::Status Run(Batch& batch, pqxx::connection_base& conn);
  // The batch's done: starts the next batch if mints queued, then answers this one's.
  void Finish(Batch& batch, absl::Status status);
  // Mints `mint` as its own executor task, under its own call, as a lone mint.
  void RunAlone(PendingMint mint);

  StorageExecutor& executor_;
  const int lanes_;
  mutable absl::Mutex mu_;
  std::deque<PendingMint> queue_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;  // batches with the executor, at most lanes_
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

void MintBatcher::Lane::Add(PendingMint mint) {
  bool queued = false;
  {
    absl::MutexLock lock(&mu_);
    if (queue_.size() < static_cast<size_t>(kMaxQueued)) {
      queue_.push_back(std::move(mint));
      queued = true;
      if (running_ >= lanes_) return;  // the next batch to start takes it
      ++running_;
    } else {
      ++stats_.refused;
    }
  }
  if (!queued) {
    // Inline, outside the lock, as the executor refuses.
    return Answer(mint, absl::ResourceExhaustedError("the database queue is full; retry later"));
  }
  Launch();
}

MintBatcher::Stats MintBatcher::Lane::stats() const {
  absl::MutexLock lock(&mu_);
  Stats stats = stats_;
  stats.queued = static_cast<int>(queue_.size());
  return stats;
}

void MintBatcher::Lane::Launch() {
  auto batch = std::make_shared<Batch>();
  // The batch serves many calls, so it is queued under none: one caller's deadline must not
  // drop the others' mints. Run checks each mint's own call.
  ScopedCall no_call(nullptr);
  executor_.Run([self = shared_from_this(),
                 batch](pqxx::connection_base& conn) { return self->Run(*batch, conn); },
                [self = shared_from_this(), batch](absl::Status status) {
                  self->Finish(*batch, std::move(status));
                });
}

absl::Status MintBatcher::Lane::Run(Batch& batch, pqxx::connection_base& conn) {
  if (!batch.taken) {
    batch.taken = true;
    {
      absl::MutexLock lock(&mu_);
      const auto end = queue_.begin() + static_cast<ptrdiff_t>(std::min(
                                            queue_.size(), static_cast<size_t>(kMaxBatch)));
      batch.mints.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
      queue_.erase(queue_.begin(), end);
    }
    // Each root's mints stay in arrival order, so a cap lets the first ones through.
    std::stable_sort(
        batch.mints.begin(), batch.mints.end(),
        [](const PendingMint& a, const PendingMint& b) { return RootOf(a) < RootOf(b); });
    batch.outcomes.resize(batch.mints.size());
    for (size_t i = 0; i < batch.mints.size(); ++i) {
      absl::Status awaited = executor_.CheckAwaited(batch.mints[i].call.get());
      if (!awaited.ok()) batch.outcomes[i] = std::move(awaited);
    }
  }
  std::vector<size_t> positions;
  std::vector<const MintRequest*> requests;
  for (size_t i = 0; i < batch.mints.size(); ++i) {
    if (batch.outcomes[i].has_value()) continue;
    positions.push_back(i);
    requests.push_back(&batch.mints[i].request);
  }
  if (requests.empty()) return absl::OkStatus();
  pqxx::nontransaction tx(conn, "token_mint");  // the statement commits itself
  if (requests.size() == 1) {
    batch.outcomes[positions[0]] = MintOne(tx, requests[0]->token, requests[0]->conditions);
  } else {
    std::vector<absl::Status> outcomes = MintMany(tx, requests);
    for (size_t k = 0; k < positions.size(); ++k) {
      batch.outcomes[positions[k]] = std::move(outcomes[k]);
    }
  }
  absl::MutexLock lock(&mu_);
  ++stats_.batches;
  stats_.mints += static_cast<int64_t>(requests.size());
  stats_.largest = std::max(stats_.largest, static_cast<int64_t>(requests.size()));
  return absl::OkStatus();
}

void MintBatcher::Lane::Finish(Batch& batch, absl::Status status) {
  std::vector<PendingMint> mints = std::move(batch.mints);
  std::vector<std::optional<absl::Status>> outcomes = std::move(batch.outcomes);
  if (!batch.taken) {
    // The executor did not run the work (it refused it, or could not connect): nothing
    // queued can run now, so everything queued gets that answer.
    if (status.ok()) status = absl::InternalError("storage error: a mint batch never ran");
    absl::MutexLock lock(&mu_);
    mints.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    outcomes.assign(mints.size(), std::nullopt);
  }
  bool more;
  {
    absl::MutexLock lock(&mu_);
    more = !queue_.empty();
    if (!more) --running_;
  }
  if (more) Launch();  // first, so that the next batch runs while these are answered

  const auto unanswered = std::count(outcomes.begin(), outcomes.end(), std::nullopt);
  // The statement failed as a whole. Connection loss: its outcome may be unknown, so each mint
  // gets UNAVAILABLE, as a lone mint would. Otherwise a mint of the batch made it fail (or a
  // deadlock outlived the retries): each runs alone, so only a bad one fails.
  const bool alone = !status.ok() && batch.taken && unanswered > 1 && !absl::IsUnavailable(status);
  if (alone) {
    absl::MutexLock lock(&mu_);
    ++stats_.fallbacks;
  }
  for (size_t i = 0; i < mints.size(); ++i) {
    if (outcomes[i].has_value()) {
      Answer(mints[i], *std::move(outcomes[i]));
    } else if (alone) {
      RunAlone(std::move(mints[i]));
    } else {
      Answer(mints[i], status);
    }
  }
}

void MintBatcher::Lane::RunAlone(PendingMint mint) {
  // Queued under the mint's own call: the executor drops it if nobody waits any more.
  ScopedCall scope(std::move(mint.call));
  std::string id = mint.request.token.id;
  executor_.Run(
      [request = std::move(mint.request)](pqxx::connection_base& conn) {
        pqxx::nontransaction tx(conn, "token_mint");  // the statement commits itself
        return MintOne(tx, request.token, request.conditions);
      },
      [id = std::move(id), done = std::move(mint.done)](absl::Status status) {
        done(NameDuplicate(std::move(status), id));
      });
}

MintBatcher::MintBatcher(StorageExecutor& executor, int lanes)
    : lane_(std::make_shared<Lane>(executor, lanes)) {
  CHECK_GE(lanes, 1) << "a mint batcher needs a lane";
  PrepareMintStatements(executor);
}

MintBatcher::~MintBatcher() = default;

void MintBatcher::Mint(TokenMetadata token, MintConditions conditions,
                       std::function<void(absl::Status)> done) {
  lane_->Add(PendingMint{{std::move(token), conditions}, std::move(done), CurrentCall()});
}

MintBatcher::Stats MintBatcher::stats() const { return lane_->stats(); }

}  // namespace warden::storage
