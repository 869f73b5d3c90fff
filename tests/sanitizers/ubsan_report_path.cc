// AddressSanitizer + UndefinedBehaviorSanitizer builds only (cmake/Sanitizers.cmake links this
// into every executable).
//
// GCC links UBSan as a runtime of its own (libubsan.so) next to ASan's (libasan.so), and both
// export __sanitizer_set_report_path. UBSan's start-up call to it binds to ASan's copy, so
// UBSan never learns its `log_path` and writes its reports to stderr. For the warden-server
// the end-to-end tests run, stderr is a log file the test deletes: a report there would go
// unseen. This gives UBSan's own copy the `log_path` from UBSAN_OPTIONS, before main().
#include <dlfcn.h>

#include <cstdlib>
#include <string>

namespace {

// The value of `log_path` in UBSAN_OPTIONS ("a=1:log_path=/x/report:b=2"), or "".
std::string UbsanLogPath() {
  const char* options = std::getenv("UBSAN_OPTIONS");
  if (options == nullptr) return "";
  const std::string all = std::string(":") + options;
  const std::string key = ":log_path=";
  size_t at = all.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return all.substr(at, all.find(':', at) - at);
}

__attribute__((constructor)) void SetUbsanReportPath() {
  const std::string path = UbsanLogPath();
  if (path.empty()) return;
  void* ubsan = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
  if (ubsan == nullptr) return;  // UBSan linked statically or not at all: nothing to fix
  // With a handle, dlsym looks in libubsan itself first: its own copy, not ASan's.
  auto set_report_path =
      reinterpret_cast<void (*)(const char*)>(dlsym(ubsan, "__sanitizer_set_report_path"));
  if (set_report_path != nullptr) set_report_path(path.c_str());
  dlclose(ubsan);
}

}  // namespace
