// End to end: an independent client that knows nothing of Warden's .proto files lists,
// describes and calls every service through server reflection, as grpcurl does.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <catch2/catch.hpp>
#include <set>

#include "common/await.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

namespace pb = google::protobuf;

// One reflection stream, used the way grpcurl uses it; `Refl` is the protocol version's
// namespace struct (see V1 and V1Alpha below).
template <typename Refl>
class ReflectionClient {
  using Request = typename Refl::Request;
  using Response = typename Refl::Response;

 public:
  explicit ReflectionClient(std::shared_ptr<grpc::Channel> channel)
      : stub_(Refl::Service::NewStub(channel)) {
    SetDeadline(&context_, 30);
    stream_ = stub_->ServerReflectionInfo(&context_);
  }
  ~ReflectionClient() {
    stream_->WritesDone();
    stream_->Finish();
  }

  std::vector<std::string> ListServices() {
    Request request;
    request.set_list_services("");
    Response response = Ask(request);
    std::vector<std::string> names;
    for (const auto& s : response.list_services_response().service()) names.push_back(s.name());
    return names;
  }

  // Adds the file defining `symbol`, and the files it depends on, to the database.
  void LoadSymbol(const std::string& symbol) {
    Request request;
    request.set_file_containing_symbol(symbol);
    Response response = Ask(request);
    INFO("symbol " << symbol << ": " << response.error_response().error_message());
    REQUIRE(response.has_file_descriptor_response());
    for (const std::string& bytes : response.file_descriptor_response().file_descriptor_proto()) {
      pb::FileDescriptorProto file;
      REQUIRE(file.ParseFromString(bytes));
      if (loaded_.insert(file.name()).second) database_.Add(file);
    }
  }

  pb::DescriptorPool& pool() { return pool_; }

 private:
  Response Ask(const Request& request) {
    REQUIRE(stream_->Write(request));
    Response response;
    REQUIRE(stream_->Read(&response));
    return response;
  }

  std::unique_ptr<typename Refl::Service::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<Request, Response>> stream_;
  std::set<std::string> loaded_;
  pb::SimpleDescriptorDatabase database_;
  pb::DescriptorPool pool_{&database_};
};

struct V1 {
  using Service = grpc::reflection::v1::ServerReflection;
  using Request = grpc::reflection::v1::ServerReflectionRequest;
  using Response = grpc::reflection::v1::ServerReflectionResponse;
};
struct V1Alpha {
  using Service = grpc::reflection::v1alpha::ServerReflection;
  using Request = grpc::reflection::v1alpha::ServerReflectionRequest;
  using Response = grpc::reflection::v1alpha::ServerReflectionResponse;
};

// Calls `method` with a request given as JSON, using only reflected descriptors.
std::pair<grpc::Status, std::string> CallDynamic(const std::shared_ptr<grpc::Channel>& channel,
                                                 const pb::MethodDescriptor& method,
                                                 const std::string& request_json,
                                                 const std::string& authorization) {
  pb::DynamicMessageFactory factory;
  std::unique_ptr<pb::Message> request(factory.GetPrototype(method.input_type())->New());
  REQUIRE(pb::util::JsonStringToMessage(request_json, request.get()).ok());
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;

  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  SetDeadline(&context);
  context.AddMetadata("authorization", authorization);
  std::string path = "/" + method.service()->full_name() + "/" + method.name();
  grpc::Status status = Await<grpc::Status>([&](auto done) {
    stub.UnaryCall(&context, path, grpc::StubOptions(), &request_buffer, &response_buffer,
                   std::move(done));
  });
  if (!status.ok()) return {status, ""};

  std::vector<grpc::Slice> slices;
  REQUIRE(response_buffer.Dump(&slices).ok());
  std::string response_bytes;
  for (const grpc::Slice& s : slices)
    response_bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  std::unique_ptr<pb::Message> response(factory.GetPrototype(method.output_type())->New());
  REQUIRE(response->ParseFromString(response_bytes));
  std::string json;
  REQUIRE(pb::util::MessageToJsonString(*response, &json).ok());
  return {status, json};
}

TEST_CASE("reflection lists, describes and calls every service without .proto files") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()}});
  server.Start();
  ReflectionClient<V1> reflection(server.channel());

  std::vector<std::string> services = reflection.ListServices();
  std::set<std::string> names(services.begin(), services.end());
  for (const char* expected :
       {"warden.v1.TokenService", "warden.v1.AuthService", "warden.v1.RoleService",
        "warden.v1.AuthProviderService", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}) {
    CHECK(names.count(expected) == 1);
  }

  // Describe every service and each method's request and response types.
  for (const std::string& name : services) {
    reflection.LoadSymbol(name);
    const pb::ServiceDescriptor* service = reflection.pool().FindServiceByName(name);
    INFO("service " << name);
    REQUIRE(service != nullptr);
    REQUIRE(service->method_count() > 0);
    for (int i = 0; i < service->method_count(); ++i) {
      CHECK(service->method(i)->input_type() != nullptr);
      CHECK(service->method(i)->output_type() != nullptr);
    }
  }

  const pb::ServiceDescriptor* tokens =
      reflection.pool().FindServiceByName("warden.v1.TokenService");
  REQUIRE(tokens != nullptr);
  // The comments reach the client, as grpcurl describe shows them.
  pb::SourceLocation where;
  REQUIRE(tokens->FindMethodByName("GenerateToken")->GetSourceLocation(&where));
  CHECK_THAT(where.leading_comments, Catch::Contains("Mints a signed API token"));
  const pb::Descriptor* metadata =
      reflection.pool().FindMessageTypeByName("warden.v1.TokenMetadata");
  REQUIRE(metadata != nullptr);
  REQUIRE(metadata->FindFieldByName("created_by")->GetSourceLocation(&where));
  CHECK_THAT(where.leading_comments, Catch::Contains("Who minted the token"));

  auto [minted, minted_json] =
      CallDynamic(server.channel(), *tokens->FindMethodByName("GenerateToken"),
                  R"({"name": "reflected", "roles": ["Analyst"]})", server.AdminAuthorization());
  INFO(minted.error_message());
  REQUIRE(minted.ok());
  CHECK_THAT(minted_json, Catch::Contains("\"name\":\"reflected\""));

  auto [listed, listed_json] =
      CallDynamic(server.channel(), *tokens->FindMethodByName("ListTokens"), R"({"pageSize": 10})",
                  server.AdminAuthorization());
  REQUIRE(listed.ok());
  CHECK_THAT(listed_json, Catch::Contains("reflected"));

  const pb::ServiceDescriptor* health =
      reflection.pool().FindServiceByName("grpc.health.v1.Health");
  REQUIRE(health != nullptr);
  auto [checked, checked_json] =
      CallDynamic(server.channel(), *health->FindMethodByName("Check"), "{}", "");
  REQUIRE(checked.ok());
  CHECK_THAT(checked_json, Catch::Contains("SERVING"));
}

TEST_CASE("reflection v1alpha, which older grpcurl uses, describes the same API") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()}});
  server.Start();
  ReflectionClient<V1Alpha> reflection(server.channel());
  CHECK(reflection.ListServices().size() == 7);
  reflection.LoadSymbol("warden.v1.AuthService.ValidateToken");
  const pb::MethodDescriptor* validate =
      reflection.pool().FindMethodByName("warden.v1.AuthService.ValidateToken");
  REQUIRE(validate != nullptr);
  CHECK(validate->input_type()->full_name() == "warden.v1.ValidateTokenRequest");
}

}  // namespace
}  // namespace warden::testing
