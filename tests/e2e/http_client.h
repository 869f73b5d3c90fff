#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace warden::testing {

// One HTTP answer as a test sees it.
struct HttpReply {
  int status = 0;                                   // 0: no answer; `error` says why
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string error;
  // SendRaw only: for an answer that says "Connection: close", whether the server then closed
  // the connection, and whatever else it sent before closing (empty when it behaved).
  bool closed = false;
  std::string after_close_promise;

  // The first value of header `name` (lower case); "" when absent.
  std::string Header(const std::string& name) const;
  // The body as JSON; a discarded value (is_discarded()) when it is not JSON.
  nlohmann::json Json() const;
};

// Header fields to send, in order; a name may repeat.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// An HTTP/1.1 client (cpp-httplib) of the server on 127.0.0.1:`port`, as curl or a script
// would call it: one connection per request, a 10 s timeout. Thread-compatible.
class HttpClient final {
 public:
  explicit HttpClient(int port) : port_(port) {}

  // Sends `method` `path` with `headers` and `body` as given (no Content-Type is added).
  HttpReply Send(const std::string& method, const std::string& path,
                 const HttpHeaders& headers = {}, const std::string& body = "") const;
  // GET with an Authorization header when `authorization` is not empty.
  HttpReply Get(const std::string& path, const std::string& authorization = "") const;
  // `method` (POST, PATCH) of a JSON body, Content-Type application/json.
  HttpReply SendJson(const std::string& method, const std::string& path, const std::string& body,
                     const std::string& authorization = "") const;
  // A Connect unary call: POST `body` with `content_type` ("application/proto",
  // "application/json") and Connect-Protocol-Version 1, and one Authorization header per
  // element of `authorizations`.
  HttpReply Connect(const std::string& path, const std::string& content_type,
                    const std::string& body,
                    const std::vector<std::string>& authorizations = {}) const;

 private:
  int port_;
};

// A header list with Authorization when `authorization` is not empty.
HttpHeaders WithAuthorization(const std::string& authorization, HttpHeaders headers = {});

// Writes `bytes` as they are to a new connection to 127.0.0.1:`port` and reads one answer
// (status line, headers, a Content-Length body), for requests no client library would send:
// raw paths, thousands of header fields. No answer within `timeout` (or a closed
// connection): status 0.
HttpReply SendRaw(int port, const std::string& bytes, absl::Duration timeout = absl::Seconds(10));

}  // namespace warden::testing
