#pragma once

// The redirect target of `wardenctl login --provider` (RFC 8252, a loopback redirect): a
// listener on 127.0.0.1 that takes the browser's one GET /callback?state=...&code=..., and
// the pure reading of that request, kept apart from the socket so it can be tested alone.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace warden::cli {

// The path of the redirect URI: http://127.0.0.1:<port>/callback.
inline constexpr char kCallbackPath[] = "/callback";

// What one HTTP request to the listener says.
struct CallbackRequest {
  enum class Kind {
    // Another method or path (a browser also asks for /favicon.ico): answer 404, keep
    // waiting.
    kNotCallback,
    // GET /callback with the expected state and a code: complete the sign-in.
    kCode,
    // GET /callback with a state that is missing or not the one StartSignIn returned (a
    // stale tab, or a forged request): refuse it and fail.
    kWrongState,
    // GET /callback with the expected state and `error` (the provider refused, or the
    // person declined): fail with the provider's words.
    kProviderError,
    // GET /callback with the expected state but neither code nor error: fail.
    kNoCode,
  };
  Kind kind = Kind::kNotCallback;
  std::string code;               // kCode
  std::string error;              // kProviderError: the `error` parameter
  std::string error_description;  // kProviderError: `error_description`, may be empty
};

// Reads the head of one HTTP request (request line and headers; the rest is ignored) as the
// redirect target for a sign-in whose state is `expected_state`. Query parameters are
// percent-decoded ('+' is a space). Anything that is not a well-formed GET of
// kCallbackPath is kNotCallback. REQUIRES: `expected_state` is not empty.
CallbackRequest ReadCallbackRequest(absl::string_view request_head,
                                    absl::string_view expected_state);

// `text` with &, <, >, " and ' as HTML character references.
std::string EscapeHtml(absl::string_view text);

// A complete HTTP/1.1 response (Connection: close) with a small HTML page titled `title`
// that says `message`; both are escaped here. `status` is 200, 400 or 404.
std::string HtmlResponse(int status, absl::string_view title, absl::string_view message);

// A socket listening on 127.0.0.1 on a port the kernel picks. Move-only; closes on
// destruction. Not thread-safe.
class LoopbackListener final {
 public:
  // FAILED_PRECONDITION with the reason when no socket can be bound.
  static absl::StatusOr<LoopbackListener> Open();
  LoopbackListener(LoopbackListener&& other) noexcept;
  LoopbackListener& operator=(LoopbackListener&& other) = delete;
  LoopbackListener(const LoopbackListener&) = delete;
  ~LoopbackListener();

  int port() const { return port_; }
  // "http://127.0.0.1:<port>/callback".
  std::string RedirectUri() const;

  // One accepted connection: the head of the request it sent, and the way to answer it.
  class Connection final {
   public:
    explicit Connection(int fd) : fd_(fd) {}
    Connection(Connection&& other) noexcept : fd_(other.fd_), head_(std::move(other.head_)) {
      other.fd_ = -1;
    }
    Connection(const Connection&) = delete;
    ~Connection();
    const std::string& head() const { return head_; }
    // Sends `response` (best effort: a browser that went away is no error) and closes.
    void Answer(const std::string& response);

   private:
    friend class LoopbackListener;
    int fd_;
    std::string head_;
  };

  // Waits until `deadline` for a connection that sends a request head (at most 16 KiB,
  // within a few seconds of connecting; connections that send none are dropped). nullopt
  // when the deadline passes first; FAILED_PRECONDITION when the socket fails.
  absl::StatusOr<std::optional<Connection>> Accept(absl::Time deadline);

 private:
  LoopbackListener(int fd, int port) : fd_(fd), port_(port) {}
  int fd_;
  int port_;
};

}  // namespace warden::cli
