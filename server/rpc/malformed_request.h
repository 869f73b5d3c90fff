#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace warden {

// gRPC C++ answers a request it cannot parse (not protobuf, or a proto3 string field that
// is not valid UTF-8) with UNIMPLEMENTED and no message, which tells the caller the method
// does not exist. This interceptor turns exactly that answer into INVALID_ARGUMENT saying
// what was wrong. Calls whose request parsed are not touched. Register it first, so that
// later interceptors (metrics) see the corrected code.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MalformedRequestInterceptorFactory();

}  // namespace warden
