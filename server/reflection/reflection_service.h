#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "server/reflection/descriptor_index.h"

namespace warden {

// Server reflection (grpc.reflection.v1 and v1alpha), answered from DescriptorIndex so that
// clients such as grpcurl see the API's comments. gRPC 1.51's own plugin serves only
// v1alpha and drops comments. Needs no credentials, like health: it describes the API,
// never data. Each stream is a reactor that answers one request per read; no blocking.
template <typename Service, typename Request, typename Response>
class ReflectionServiceImpl final : public Service::CallbackService {
 public:
  // `services` are the fully qualified names list_services reports.
  ReflectionServiceImpl(const DescriptorIndex& index, std::vector<std::string> services)
      : index_(index), services_(std::move(services)) {}

  grpc::ServerBidiReactor<Request, Response>* ServerReflectionInfo(
      grpc::CallbackServerContext* context) override;

  // Fills `response` for one request. Public for tests.
  void Answer(const Request& request, Response* response) const;

 private:
  const DescriptorIndex& index_;
  const std::vector<std::string> services_;
};

using ReflectionV1Service = ReflectionServiceImpl<grpc::reflection::v1::ServerReflection,
                                                  grpc::reflection::v1::ServerReflectionRequest,
                                                  grpc::reflection::v1::ServerReflectionResponse>;
using ReflectionV1AlphaService =
    ReflectionServiceImpl<grpc::reflection::v1alpha::ServerReflection,
                          grpc::reflection::v1alpha::ServerReflectionRequest,
                          grpc::reflection::v1alpha::ServerReflectionResponse>;

extern template class ReflectionServiceImpl<grpc::reflection::v1::ServerReflection,
                                            grpc::reflection::v1::ServerReflectionRequest,
                                            grpc::reflection::v1::ServerReflectionResponse>;
extern template class ReflectionServiceImpl<grpc::reflection::v1alpha::ServerReflection,
                                            grpc::reflection::v1alpha::ServerReflectionRequest,
                                            grpc::reflection::v1alpha::ServerReflectionResponse>;

}  // namespace warden
