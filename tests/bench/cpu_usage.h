#pragma once

// CPU time from /proc, to report what a measured window cost the server, the client and the
// whole machine.

namespace warden::bench {

// CPU seconds (user + system) of process `pid` so far (0: this process), or -1 if it cannot
// be read.
double ProcessCpuSeconds(int pid);

// CPU seconds every core has spent not idle since boot, from /proc/stat.
double MachineCpuSeconds();

// One reading of all three. `server` is -1 when `server_pid` is 0 or unreadable.
struct CpuSample {
  double server = -1;
  double client = 0;
  double machine = 0;
  static CpuSample Take(int server_pid);
};

}  // namespace warden::bench
