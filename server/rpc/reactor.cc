#include "server/rpc/reactor.h"

namespace warden {

CallCredentials CredentialsOf(const grpc::CallbackServerContext& context) {
  CallCredentials call;
  auto [begin, end] = context.client_metadata().equal_range("authorization");
  for (auto it = begin; it != end; ++it)
    call.authorization.emplace_back(it->second.data(), it->second.size());
  call.peer = context.peer();
  return call;
}

}  // namespace warden
