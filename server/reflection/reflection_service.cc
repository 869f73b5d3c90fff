#include "server/reflection/reflection_service.h"

namespace warden {
namespace {

// One reflection stream: read a request, write its answer, repeat until the client closes.
template <typename Service, typename Request, typename Response>
class Reactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit Reactor(const ReflectionServiceImpl<Service, Request, Response>& service)
      : service_(service) {
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status::OK);  // the client is done
    response_.Clear();
    service_.Answer(request_, &response_);
    this->StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
    this->StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  const ReflectionServiceImpl<Service, Request, Response>& service_;
  Request request_;
  Response response_;
};

template <typename Response>
void SetError(Response* response, grpc::StatusCode code, const std::string& message) {
  response->mutable_error_response()->set_error_code(code);
  response->mutable_error_response()->set_error_message(message);
}

template <typename Response>
void SetFiles(Response* response, const std::optional<std::vector<std::string>>& files,
              const std::string& what) {
  if (!files.has_value())
    return SetError(response, grpc::StatusCode::NOT_FOUND, what + " not found");
  for (const std::string& file : *files) {
    response->mutable_file_descriptor_response()->add_file_descriptor_proto(file);
  }
}

}  // namespace

template <typename Service, typename Request, typename Response>
grpc::ServerBidiReactor<Request, Response>*
ReflectionServiceImpl<Service, Request, Response>::ServerReflectionInfo(
    grpc::CallbackServerContext* context) {
  return new Reactor<Service, Request, Response>(*this);
}

template <typename Service, typename Request, typename Response>
void ReflectionServiceImpl<Service, Request, Response>::Answer(const Request& request,
                                                               Response* response) const {
  response->set_valid_host(request.host());
  *response->mutable_original_request() = request;
  switch (request.message_request_case()) {
    case Request::kListServices:
      for (const std::string& name : services_) {
        response->mutable_list_services_response()->add_service()->set_name(name);
      }
      return;
    case Request::kFileByFilename:
      return SetFiles(response, index_.FileWithImports(request.file_by_filename()),
                      "file " + request.file_by_filename());
    case Request::kFileContainingSymbol:
      return SetFiles(response, index_.FileContainingSymbol(request.file_containing_symbol()),
                      "symbol " + request.file_containing_symbol());
    case Request::kFileContainingExtension:
      // The API defines no extensions.
      return SetError(response, grpc::StatusCode::NOT_FOUND,
                      "extension " + request.file_containing_extension().containing_type() + " #" +
                          std::to_string(request.file_containing_extension().extension_number()) +
                          " not found");
    case Request::kAllExtensionNumbersOfType:
      if (!index_.IsMessage(request.all_extension_numbers_of_type())) {
        return SetError(response, grpc::StatusCode::NOT_FOUND,
                        "type " + request.all_extension_numbers_of_type() + " not found");
      }
      response->mutable_all_extension_numbers_response()->set_base_type_name(
          request.all_extension_numbers_of_type());
      return;
    default:
      return SetError(response, grpc::StatusCode::INVALID_ARGUMENT, "empty reflection request");
  }
}

template class ReflectionServiceImpl<grpc::reflection::v1::ServerReflection,
                                     grpc::reflection::v1::ServerReflectionRequest,
                                     grpc::reflection::v1::ServerReflectionResponse>;
template class ReflectionServiceImpl<grpc::reflection::v1alpha::ServerReflection,
                                     grpc::reflection::v1alpha::ServerReflectionRequest,
                                     grpc::reflection::v1alpha::ServerReflectionResponse>;

}  // namespace warden
