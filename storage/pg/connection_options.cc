#include "storage/pg/connection_options.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace warden::storage {
namespace {

bool IsUri(const std::string& url) {
  return absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://");
}

// True if the URI's query string already sets `key`.
bool UriHasParam(const std::string& url, const std::string& key) {
  const size_t query = url.find('?');
  if (query == std::string::npos) return false;
  const std::string needle = key + "=";
  for (size_t pos = query + 1; pos < url.size();) {
    if (url.compare(pos, needle.size(), needle) == 0) return true;
    const size_t amp = url.find('&', pos);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return false;
}

}  // namespace

std::string WithConnectionOptions(const std::string& url, absl::Duration connect_timeout,
                                  std::optional<absl::Duration> statement_timeout) {
  // libpq takes whole seconds and treats anything below 2 as 2.
  const int64_t connect_seconds =
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(connect_timeout, absl::Seconds(1))));
  const std::string timeout_ms =
      statement_timeout ? absl::StrCat(absl::ToInt64Milliseconds(*statement_timeout)) : "";

  if (IsUri(url)) {
    std::string out = url;
    auto add = [&out](const std::string& key, const std::string& value) {
      absl::StrAppend(&out, out.find('?') == std::string::npos ? "?" : "&", key, "=", value);
    };
    if (!UriHasParam(url, "connect_timeout")) add("connect_timeout", absl::StrCat(connect_seconds));
    if (statement_timeout && !UriHasParam(url, "options")) {
      add("options", absl::StrCat("-c%20statement_timeout%3D", timeout_ms));
    }
    return out;
  }
  // Keyword/value form: later keywords override earlier ones, so ours go first.
  std::string out = absl::StrCat("connect_timeout=", connect_seconds, " ");
  if (statement_timeout) absl::StrAppend(&out, "options='-c statement_timeout=", timeout_ms, "' ");
  absl::StrAppend(&out, url);
  return out;
}

std::string WithApplicationName(const std::string& url, const std::string& name) {
  if (IsUri(url)) {
    if (UriHasParam(url, "application_name")) return url;
    return absl::StrCat(url, url.find('?') == std::string::npos ? "?" : "&",
                        "application_name=", name);
  }
  return absl::StrCat("application_name=", name, " ", url);
}

}  // namespace warden::storage
