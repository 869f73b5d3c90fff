#include "server/oidc/issuer_fetch.h"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace warden::oidc {
namespace {

constexpr size_t kMaxTokenFileBytes = 64 * 1024;

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rbe"),
                                                       &std::fclose);
  if (file == nullptr) {
    const absl::Status error = absl::ErrnoToStatus(errno, "");
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open service account token file ", path, error.message()));
  }
  std::string token(kMaxTokenFileBytes + 1, '\0');
  const size_t n = std::fread(token.data(), 1, token.size(), file.get());
  const bool failed = std::ferror(file.get()) != 0;
  token.resize(n);
  std::string trimmed(absl::StripAsciiWhitespace(token));
  OPENSSL_cleanse(token.data(), token.size());
  if (failed || n > kMaxTokenFileBytes || trimmed.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("service account token file ", path, " is unreadable, empty or too large"));
  }
  return trimmed;
}

bool Refused(const absl::Status& status) {
  const std::optional<int> code = HttpStatusOf(status);
  return code == 401 || code == 403;
}

}  // namespace

absl::StatusOr<IssuerKeys> FetchIssuerKeys(HttpFetcher& fetcher, const IssuerSpec& spec,
                                           const FetchOptions& base) {
  FetchOptions options = base;
  options.bearer_token.reset();
  options.ca_file = spec.ca_file;
  absl::StatusOr<IssuerKeys> keys = DiscoverIssuerKeys(fetcher, spec.issuer, options);
  if (keys.ok() || spec.type != IssuerType::kKubeServiceAccount || !Refused(keys.status())) {
    return keys;
  }
  absl::StatusOr<std::string> token = ReadTokenFile(spec.kube_token_path);
  if (!token.ok()) {
    // The path and errno are the server's business, not the caller's.
    LOG(WARNING) << "issuer " << spec.issuer
                 << " refused an anonymous fetch: " << token.status().message();
    return absl::FailedPreconditionError(absl::StrCat(
        keys.status().message(), "; the service account token to retry with cannot be read"));
  }
  options.bearer_token = *std::move(token);
  if (!spec.kube_ca_path.empty()) options.ca_file = spec.kube_ca_path;
  keys = DiscoverIssuerKeys(fetcher, spec.issuer, options);
  OPENSSL_cleanse(options.bearer_token->data(), options.bearer_token->size());
  return keys;
}

}  // namespace warden::oidc
