// ThreadSanitizer builds only (cmake/Sanitizers.cmake links this into every executable).
//
// Debian's Abseil is not built with -fsanitize=thread, so its absl::Mutex, CondVar and
// Notification synchronize through atomics and futexes that ThreadSanitizer never sees: every
// access to state guarded by an absl::Mutex would be reported as a race. An instrumented
// Abseil would annotate them itself (ABSL_TSAN_MUTEX_*); this file does the same from the
// outside. It defines the entry points that lock, unlock, wait and notify; each calls the
// library's own function (found with dlsym(RTLD_NEXT)) and tells ThreadSanitizer about the
// happens-before edge: a release before giving a mutex up, an acquire after taking it.
// The executable exports these symbols, so gRPC's calls into Abseil go through them too.
//
// Only happens-before is modelled (not ownership), which is what the race detector needs: a
// race is still reported when two threads touch the same data without holding the same mutex.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

static_assert(ABSL_OPTION_USE_INLINE_NAMESPACE == 1, "mangled names below assume it");

namespace {

#define WARDEN_TSAN_STR2(x) #x
#define WARDEN_TSAN_STR(x) WARDEN_TSAN_STR2(x)

// The library's definition of the function whose mangled name is `prefix` + "4absl" + the
// inline namespace + `rest` (e.g. "_ZN", "5Mutex4LockEv"). Aborts if it is missing: running
// without it would deadlock or silently skip the real locking.
template <typename F>
F Real(const char* prefix, const char* rest) {
  const std::string ns = WARDEN_TSAN_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name = std::string(prefix) + "4absl" + std::to_string(ns.size()) + ns + rest;
  void* symbol = dlsym(RTLD_NEXT, name.c_str());
  if (symbol == nullptr) {
    std::fprintf(stderr, "tsan_absl_sync: %s not found: %s\n", name.c_str(), dlerror());
    std::abort();
  }
  return reinterpret_cast<F>(symbol);
}

#define WARDEN_REAL(type, prefix, rest) static const auto real = Real<type>(prefix, rest)

using absl::Condition;
using absl::CondVar;
using absl::Duration;
using absl::Mutex;
using absl::Notification;
using absl::Time;

void Acquire(const void* address) { __tsan_acquire(const_cast<void*>(address)); }
void Release(const void* address) { __tsan_release(const_cast<void*>(address)); }

// Abseil evaluates a waiter's condition holding `mu`, but at moments this file cannot see:
// inside Await and LockWhen, and on other threads as they unlock `mu`. So each evaluation is
// made a critical section of its own: the condition passed to Abseil acquires `mu` before
// calling the caller's condition and releases it after.
class GuardedCondition {
 public:
  GuardedCondition(const Condition& condition, Mutex* mu)
      : condition_(condition), mu_(mu), guarded_(&GuardedCondition::Eval, this) {}
  const Condition& get() const { return guarded_; }

 private:
  static bool Eval(void* arg) {
    auto* self = static_cast<GuardedCondition*>(arg);
    Acquire(self->mu_);
    bool result = self->condition_.Eval();
    Release(self->mu_);
    return result;
  }

  const Condition& condition_;
  Mutex* const mu_;
  const Condition guarded_;
};

}  // namespace

void Mutex::Lock() {
  WARDEN_REAL(void (*)(Mutex*), "_ZN", "5Mutex4LockEv");
  real(this);
  Acquire(this);
}

void Mutex::ReaderLock() {
  WARDEN_REAL(void (*)(Mutex*), "_ZN", "5Mutex10ReaderLockEv");
  real(this);
  Acquire(this);
}

bool Mutex::TryLock() {
  WARDEN_REAL(bool (*)(Mutex*), "_ZN", "5Mutex7TryLockEv");
  bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  WARDEN_REAL(bool (*)(Mutex*), "_ZN", "5Mutex13ReaderTryLockEv");
  bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::Unlock() {
  WARDEN_REAL(void (*)(Mutex*), "_ZN", "5Mutex6UnlockEv");
  Release(this);
  real(this);
}

void Mutex::ReaderUnlock() {
  WARDEN_REAL(void (*)(Mutex*), "_ZN", "5Mutex12ReaderUnlockEv");
  Release(this);
  real(this);
}

// The *When functions return holding the mutex, also after a timeout.
void Mutex::LockWhen(const Condition& cond) {
  WARDEN_REAL(void (*)(Mutex*, const Condition&), "_ZN", "5Mutex8LockWhenERKNS0_9ConditionE");
  real(this, GuardedCondition(cond, this).get());
  Acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  WARDEN_REAL(void (*)(Mutex*, const Condition&), "_ZN",
              "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  real(this, GuardedCondition(cond, this).get());
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  WARDEN_REAL(bool (*)(Mutex*, const Condition&, Duration), "_ZN",
              "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  bool result = real(this, GuardedCondition(cond, this).get(), timeout);
  Acquire(this);
  return result;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  WARDEN_REAL(bool (*)(Mutex*, const Condition&, Duration), "_ZN",
              "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  bool result = real(this, GuardedCondition(cond, this).get(), timeout);
  Acquire(this);
  return result;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  WARDEN_REAL(bool (*)(Mutex*, const Condition&, Time), "_ZN",
              "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  bool result = real(this, GuardedCondition(cond, this).get(), deadline);
  Acquire(this);
  return result;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  WARDEN_REAL(bool (*)(Mutex*, const Condition&, Time), "_ZN",
              "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  bool result = real(this, GuardedCondition(cond, this).get(), deadline);
  Acquire(this);
  return result;
}

// Await may give the mutex up while it waits, and takes it again before returning.
void Mutex::Await(const Condition& cond) {
  WARDEN_REAL(void (*)(Mutex*, const Condition&), "_ZN", "5Mutex5AwaitERKNS0_9ConditionE");
  Release(this);
  real(this, GuardedCondition(cond, this).get());
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  WARDEN_REAL(bool (*)(Mutex*, const Condition&, Duration), "_ZN",
              "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Release(this);
  bool result = real(this, GuardedCondition(cond, this).get(), timeout);
  Acquire(this);
  return result;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  WARDEN_REAL(bool (*)(Mutex*, const Condition&, Time), "_ZN",
              "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Release(this);
  bool result = real(this, GuardedCondition(cond, this).get(), deadline);
  Acquire(this);
  return result;
}

// A wait gives `mu` up and takes it again; a signal also orders what the signaller did
// before it (even without holding `mu`) before the woken waiter.
void CondVar::Wait(Mutex* mu) {
  WARDEN_REAL(void (*)(CondVar*, Mutex*), "_ZN", "7CondVar4WaitEPNS0_5MutexE");
  Release(mu);
  real(this, mu);
  Acquire(this);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  WARDEN_REAL(bool (*)(CondVar*, Mutex*, Duration), "_ZN",
              "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  Release(mu);
  bool result = real(this, mu, timeout);
  Acquire(this);
  Acquire(mu);
  return result;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  WARDEN_REAL(bool (*)(CondVar*, Mutex*, Time), "_ZN",
              "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Release(mu);
  bool result = real(this, mu, deadline);
  Acquire(this);
  Acquire(mu);
  return result;
}

void CondVar::Signal() {
  WARDEN_REAL(void (*)(CondVar*), "_ZN", "7CondVar6SignalEv");
  Release(this);
  real(this);
}

void CondVar::SignalAll() {
  WARDEN_REAL(void (*)(CondVar*), "_ZN", "7CondVar9SignalAllEv");
  Release(this);
  real(this);
}

// Notification: released on the flag's address, which the inline HasBeenNotified() reads with
// an (instrumented) acquire load, so that path synchronizes too.
void Notification::Notify() {
  WARDEN_REAL(void (*)(Notification*), "_ZN", "12Notification6NotifyEv");
  Release(&notified_yet_);
  real(this);
}

void Notification::WaitForNotification() const {
  WARDEN_REAL(void (*)(const Notification*), "_ZNK", "12Notification19WaitForNotificationEv");
  real(this);
  Acquire(&notified_yet_);
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  WARDEN_REAL(bool (*)(const Notification*, Duration), "_ZNK",
              "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  bool notified = real(this, timeout);
  if (notified) Acquire(&notified_yet_);
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  WARDEN_REAL(bool (*)(const Notification*, Time), "_ZNK",
              "12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  bool notified = real(this, deadline);
  if (notified) Acquire(&notified_yet_);
  return notified;
}
