#pragma once

#include <string_view>
#include <vector>

namespace warden::http {

// One file of the web console (web/), embedded in warden-server at build time by
// web/scripts/build.mjs, so that the binary (and the container image) is the whole product.
struct ConsoleAsset {
  // "/" for the page; "/assets/<name>-<content hash>.<ext>" for its script and stylesheet.
  std::string_view path;
  std::string_view content_type;
  std::string_view body;
  // A strong validator of the body, quoted ("\"…\"").
  std::string_view etag;
  // Named by its content: browsers may keep it for good.
  bool immutable;
};

// The console's assets; empty when built with -DWARDEN_CONSOLE=OFF.
const std::vector<ConsoleAsset>& ConsoleAssets();

}  // namespace warden::http
