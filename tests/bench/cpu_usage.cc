#include "tests/bench/cpu_usage.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace warden::bench {

double ProcessCpuSeconds(int pid) {
  std::ifstream in("/proc/" + (pid > 0 ? std::to_string(pid) : std::string("self")) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return -1;
  // Fields after the command, which is in parentheses and may hold spaces.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double MachineCpuSeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  double busy = 0, value = 0;
  for (int i = 0; i < 8 && in >> value; ++i) {
    if (i != 3 && i != 4) busy += value;  // all but idle and iowait
  }
  return busy / static_cast<double>(sysconf(_SC_CLK_TCK));
}

CpuSample CpuSample::Take(int server_pid) {
  CpuSample sample;
  if (server_pid > 0) sample.server = ProcessCpuSeconds(server_pid);
  sample.client = ProcessCpuSeconds(0);
  sample.machine = MachineCpuSeconds();
  return sample;
}

}  // namespace warden::bench
