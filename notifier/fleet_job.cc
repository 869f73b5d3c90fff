#include "notifier/fleet_job.h"

#include <utility>

#include "glog/logging.h"

namespace warden::notifier {
namespace {

// How long a claim already sent to PostgreSQL may still take after Stop(): long enough for
// one short statement, so that a won claim is seen and given back instead of silently
// holding the period; short enough that Stop() returns within a second.
constexpr absl::Duration kClaimGrace = absl::Milliseconds(500);

}  // namespace

FleetJob::FleetJob(Options options, storage::ScheduleStore& schedule, const Clock& clock)
    : options_(std::move(options)), schedule_(schedule), clock_(clock) {
  CHECK(!options_.name.empty() && options_.name.size() <= 64) << "bad fleet job name";
  CHECK(options_.interval > absl::ZeroDuration()) << options_.name << ": interval must be > 0";
  CHECK(options_.backoff >= absl::ZeroDuration()) << options_.name << ": backoff must be >= 0";
}

FleetJob::~FleetJob() { Stop(); }

void FleetJob::Start(std::function<void()> wake) {
  absl::MutexLock lock(&stop_mu_);
  CHECK(!loop_.joinable()) << options_.name << ": Start called twice";
  if (stop_->stopped()) return;
  loop_ = std::thread([this, wake = std::move(wake)] {
    do {
      wake();
    } while (!stop_->WaitForStop(options_.interval));
  });
}

void FleetJob::Stop(const std::function<void()>& abort) {
  absl::MutexLock lock(&stop_mu_);
  stop_->Stop();
  if (abort) abort();
  if (loop_.joinable()) loop_.join();
}

absl::StatusOr<bool> FleetJob::Claim(absl::Time run_at) {
  if (stopped()) return false;
  const std::optional<absl::StatusOr<bool>> claim =
      StopSignal::AwaitUnlessStopped<absl::StatusOr<bool>>(
          stop_,
          [&](std::function<void(absl::StatusOr<bool>)> done) {
            schedule_.TryClaim(options_.name, run_at, options_.backoff, std::move(done));
          },
          kClaimGrace);
  if (!claim.has_value()) {
    LOG(WARNING) << options_.title << " stopped while claiming a run; if the claim won, the next "
                 << "run is one backoff interval away";
    return false;
  }
  return *claim;
}

void FleetJob::ReleaseClaim(absl::Time claimed_at) {
  // Not awaited: Stop() must not wait for PostgreSQL. The executor runs it even while
  // shutting down (it drains its queue); `done` touches nothing of this object.
  schedule_.ReleaseClaim(
      options_.name, claimed_at, options_.backoff, [title = options_.title](absl::Status status) {
        if (!status.ok()) {
          LOG(WARNING) << title << " could not give back its unfinished run's claim; the next "
                       << "run is one backoff interval away: " << status;
        }
      });
}

}  // namespace warden::notifier
