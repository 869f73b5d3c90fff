// The console's assets of a build with -DWARDEN_CONSOLE=OFF: none.
#include "server/http/console_assets.h"

namespace warden::http {

const std::vector<ConsoleAsset>& ConsoleAssets() {
  static const auto* none = new std::vector<ConsoleAsset>();
  return *none;
}

}  // namespace warden::http
