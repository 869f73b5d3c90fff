#pragma once

// How the bench's baseline servers (warden-bench-echo, warden-bench-hello) wait for
// SIGTERM or SIGINT: blocked in every thread, received by sigwait on the main one.

#include <signal.h>

namespace warden::bench {

// Blocks SIGTERM and SIGINT in the calling thread and the threads it starts afterwards, so
// that only WaitForStopSignal sees them. Call before any thread starts.
inline sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Returns once one of `signals` (from BlockStopSignals) has arrived.
inline void WaitForStopSignal(const sigset_t& signals) {
  int signal = 0;
  sigwait(&signals, &signal);
}

}  // namespace warden::bench
