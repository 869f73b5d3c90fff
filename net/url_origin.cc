#include "net/url_origin.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace warden::net {
namespace {

struct UrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// One part of a parsed URL; nullopt if it has none.
std::optional<std::string> Part(CURLU* url, CURLUPart part, unsigned int flags) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, flags) != CURLUE_OK || text == nullptr) return std::nullopt;
  std::string out(text);
  curl_free(text);
  return out;
}

}  // namespace

std::optional<std::string> UrlOrigin(const std::string& url) {
  std::unique_ptr<CURLU, UrlFree> parsed(curl_url());
  // No CURLU_GUESS_SCHEME: a URL without a scheme is not absolute, so it has no origin.
  if (parsed == nullptr || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  const std::optional<std::string> scheme = Part(parsed.get(), CURLUPART_SCHEME, 0);
  const std::optional<std::string> host = Part(parsed.get(), CURLUPART_HOST, 0);
  const std::optional<std::string> port = Part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme.has_value() || !host.has_value() || !port.has_value()) return std::nullopt;
  return absl::AsciiStrToLower(absl::StrCat(*scheme, "://", *host, ":", *port));
}

}  // namespace warden::net
