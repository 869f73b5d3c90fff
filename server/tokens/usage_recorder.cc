#include "server/tokens/usage_recorder.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "common/await.h"
#include "glog/logging.h"

namespace warden {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A UUID in its 8-4-4-4-12 text form as 128 bits: a compact key, cheap to hash.
bool ParseUuid(absl::string_view text, absl::uint128* out) {
  if (text.size() != 36) return false;
  uint64_t high = 0, low = 0;
  int nibbles = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      continue;
    }
    const int value = HexValue(text[i]);
    if (value < 0) return false;
    uint64_t& half = nibbles < 16 ? high : low;
    half = (half << 4) | static_cast<uint64_t>(value);
    ++nibbles;
  }
  *out = absl::MakeUint128(high, low);
  return true;
}

std::string FormatUuid(absl::uint128 key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(36, '-');
  int nibble = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    const uint64_t half = nibble < 16 ? absl::Uint128High64(key) : absl::Uint128Low64(key);
    text[i] = kDigits[(half >> (4 * (15 - nibble % 16))) & 0xf];
    ++nibble;
  }
  return text;
}

// What each validating thread last saw recorded for a few tokens, so that a busy token's
// steady state touches no shared cache line at all: the shards' reader locks are cheap but
// still an atomic read-modify-write on a line every thread shares, which, with one token
// validated on every core, cost ~11% of the cache path's in-process validation rate.
// Direct-mapped by token; an entry belongs to one recorder (`recorder` is its unique id, so a
// new recorder never trusts a destroyed one's entries).
// Keyed by the id's text, so that the hit costs no parsing: a 36-byte compare.
constexpr size_t kUuidLength = 36;
struct RecentUse {
  uint64_t recorder = 0;
  std::array<char, kUuidLength> id{};
  absl::Time used_at;  // a use of `id` that `recorder` holds: recorded then, or later
};
constexpr size_t kRecentUses = 256;
thread_local std::array<RecentUse, kRecentUses> recent_uses;
std::atomic<uint64_t> next_recorder_id{1};

// REQUIRES: id.size() == kUuidLength. Its last 8 characters are random hex digits in a
// token id (UUIDv4), mixed into a slot.
RecentUse& RecentUseOf(absl::string_view id) {
  uint64_t tail;
  std::memcpy(&tail, id.data() + kUuidLength - sizeof(tail), sizeof(tail));
  return recent_uses[(tail * 0x9e3779b97f4a7c15ULL) >> 56];
}

}  // namespace

UsageRecorder::WriteBatch UsageRecorder::WriteTo(storage::TokenStore& store) {
  return [&store](std::vector<storage::TokenUse> uses, std::function<void(absl::Status)> done) {
    store.RecordUses(std::move(uses),
                     [done = std::move(done)](absl::StatusOr<int> moved) { done(moved.status()); });
  };
}

UsageRecorder::UsageRecorder(const Clock& clock, Options options, WriteBatch write)
    : id_(next_recorder_id.fetch_add(1, std::memory_order_relaxed)),
      clock_(clock),
      options_(options),
      max_per_shard_(std::max<size_t>(1, options.max_tokens / kShards)),
      write_(std::move(write)) {}

UsageRecorder::~UsageRecorder() { Stop(); }

UsageRecorder::Shard& UsageRecorder::ShardFor(absl::uint128 key) {
  // Mixed, so that ids that differ only in a few bits still spread over the shards.
  const uint64_t mixed =
      (absl::Uint128High64(key) ^ absl::Uint128Low64(key)) * 0x9e3779b97f4a7c15ULL;
  return shards_[mixed >> 60 & (kShards - 1)];
}

void UsageRecorder::RecordUse(const Identity& who) {
  if (who.kind != IdentityKind::kApiToken || who.id.size() != kUuidLength) return;
  const absl::Time now = clock_.Now();
  // A negative age (the clock stepped back) counts as recent: never record backwards.
  RecentUse& recent = RecentUseOf(who.id);
  if (recent.recorder == id_ && std::memcmp(recent.id.data(), who.id.data(), kUuidLength) == 0 &&
      now - recent.used_at < options_.granularity) {
    return;  // this thread saw a use recorded within the granularity: nothing to do
  }
  absl::uint128 key;
  if (!ParseUuid(who.id, &key)) return;
  auto remember = [&recent, &who, this](absl::Time used_at) {
    recent.recorder = id_;
    std::memcpy(recent.id.data(), who.id.data(), kUuidLength);
    recent.used_at = used_at;
  };
  Shard& shard = ShardFor(key);
  {
    absl::ReaderMutexLock lock(&shard.mu);
    auto it = shard.entries.find(key);
    if (it != shard.entries.end() && now - it->second.used_at < options_.granularity) {
      return remember(it->second.used_at);
    }
  }
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(key);  // another thread may have recorded it meanwhile
  if (it != shard.entries.end() && now - it->second.used_at < options_.granularity) {
    return remember(it->second.used_at);
  }
  MarkPending(shard, key, now);
  remember(now);
}

void UsageRecorder::MarkPending(Shard& shard, absl::uint128 key, absl::Time used_at) {
  auto [it, inserted] = shard.entries.try_emplace(key, Entry{used_at, true});
  if (inserted) {
    ++shard.pending;
    if (shard.entries.size() > max_per_shard_) EvictOldest(shard);
    return;
  }
  Entry& entry = it->second;
  entry.used_at = std::max(entry.used_at, used_at);
  if (!entry.pending) {
    entry.pending = true;
    ++shard.pending;
  }
}

void UsageRecorder::EvictOldest(Shard& shard) {
  struct Candidate {
    bool pending;
    absl::Time used_at;
    absl::uint128 key;
  };
  std::vector<Candidate> candidates;
  candidates.reserve(shard.entries.size());
  for (const auto& [key, entry] : shard.entries) {
    candidates.push_back({entry.pending, entry.used_at, key});
  }
  // Written entries only save a rewrite within the minute; pending ones are uses not yet
  // written. Forget the former first, each kind oldest first. An eighth at a time, so that
  // this O(n) pass is paid once per n/8 new tokens.
  const size_t evict = std::max<size_t>(1, max_per_shard_ / 8);
  const auto older = [](const Candidate& a, const Candidate& b) {
    return a.pending != b.pending ? !a.pending : a.used_at < b.used_at;
  };
  std::nth_element(candidates.begin(), candidates.begin() + (evict - 1), candidates.end(), older);
  for (size_t i = 0; i < evict; ++i) {
    shard.entries.erase(candidates[i].key);
    if (candidates[i].pending) {
      --shard.pending;
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

std::vector<storage::TokenUse> UsageRecorder::TakePending(absl::Time now) {
  std::vector<std::pair<absl::uint128, absl::Time>> taken;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (auto it = shard.entries.begin(); it != shard.entries.end();) {
      Entry& entry = it->second;
      if (entry.pending) {
        taken.emplace_back(it->first, entry.used_at);
        entry.pending = false;  // kept, so that the token is not recorded again too soon
        ++it;
      } else if (now - entry.used_at >= options_.granularity) {
        shard.entries.erase(it++);  // its next use will be recorded anyway
      } else {
        ++it;
      }
    }
    shard.pending = 0;
  }
  std::vector<storage::TokenUse> uses;
  uses.reserve(taken.size());
  for (const auto& [key, used_at] : taken) uses.push_back({FormatUuid(key), used_at});
  return uses;
}

void UsageRecorder::Restore(const std::vector<storage::TokenUse>& uses, size_t from) {
  for (size_t i = from; i < uses.size(); ++i) {
    absl::uint128 key;
    if (!ParseUuid(uses[i].id, &key)) continue;
    Shard& shard = ShardFor(key);
    absl::MutexLock lock(&shard.mu);
    MarkPending(shard, key, uses[i].used_at);
  }
}

absl::Status UsageRecorder::Flush() {
  absl::MutexLock flush_lock(&flush_mu_);
  std::vector<storage::TokenUse> uses = TakePending(clock_.Now());
  absl::Status result = absl::OkStatus();
  for (size_t from = 0; from < uses.size(); from += options_.batch_size) {
    const size_t to = std::min(uses.size(), from + options_.batch_size);
    std::vector<storage::TokenUse> batch(uses.begin() + from, uses.begin() + to);
    absl::Status written =
        Await<absl::Status>([&](auto done) { write_(std::move(batch), std::move(done)); });
    if (written.ok()) continue;
    if (absl::IsInvalidArgument(written)) {
      // Retrying cannot fix a refused batch; RecordUse only lets UUIDs in, so this is a bug.
      LOG(ERROR) << "last-used times refused, " << (to - from)
                 << " uses dropped: " << written.message();
      continue;
    }
    Restore(uses, from);
    if (!failing_) {
      LOG(WARNING) << "writing last-used times failed, " << (uses.size() - from)
                   << " token uses kept for the next flush: " << written.message();
    }
    result = written;
    break;
  }
  if (!uses.empty()) {
    if (result.ok() && failing_) LOG(INFO) << "writing last-used times works again";
    failing_ = !result.ok();
  }
  const uint64_t dropped = dropped_.load(std::memory_order_relaxed);
  if (dropped > dropped_logged_) {
    LOG(WARNING) << "forgot " << (dropped - dropped_logged_)
                 << " token uses not yet written: more than " << options_.max_tokens
                 << " tokens used between flushes (WARDEN_LAST_USED_MAX_TOKENS)";
    dropped_logged_ = dropped;
  }
  return result;
}

void UsageRecorder::Start() {
  absl::MutexLock lock(&thread_mu_);
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void UsageRecorder::Run() {
  while (!stop_.WaitForNotificationWithTimeout(options_.flush_interval)) {
    Flush().IgnoreError();  // logged; what failed is kept for the next round
  }
}

void UsageRecorder::Stop() {
  bool was_started = false;
  {
    absl::MutexLock lock(&thread_mu_);
    if (!stop_.HasBeenNotified()) stop_.Notify();
    if (thread_.joinable()) thread_.join();
    was_started = std::exchange(started_, false);
  }
  if (!was_started) return;
  absl::Status flushed = Flush();
  if (!flushed.ok()) {
    LOG(WARNING) << "stopping with " << stats().pending
                 << " token uses not written to last_used_at: " << flushed.message();
  }
}

UsageRecorder::Stats UsageRecorder::stats() const {
  Stats stats;
  for (const Shard& shard : shards_) {
    absl::ReaderMutexLock lock(&shard.mu);
    stats.pending += shard.pending;
    stats.tokens += shard.entries.size();
  }
  stats.dropped = dropped_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace warden
