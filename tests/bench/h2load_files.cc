#include "tests/bench/h2load_files.h"

#include <cstdint>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "tests/bench/bench_setup.h"
#include "tests/bench/echo.pb.h"
#include "tests/bench/load_generator.h"

namespace warden::bench {
namespace {

// gRPC's length-prefixed message: a compressed flag (0), the length (4 bytes, big-endian),
// the serialized message.
std::string Frame(const google::protobuf::Message& message) {
  const std::string body = message.SerializeAsString();
  const auto size = static_cast<uint32_t>(body.size());
  std::string frame(1, '\0');
  for (int shift = 24; shift >= 0; shift -= 8) frame.push_back(static_cast<char>(size >> shift));
  return frame + body;
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("could not write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteH2loadFiles(const std::string& target, const std::string& admin_password_file,
                              const std::string& dir) {
  absl::StatusOr<std::string> password = ReadAdminPassword(admin_password_file);
  if (!password.ok()) return password.status();
  BenchSetup setup(MakeChannels(target, 1)[0], AdminAuthorization(*password));
  absl::StatusOr<std::string> caller = setup.Mint("bench caller (h2load)", {"Analyst"});
  if (!caller.ok()) return caller.status();
  absl::StatusOr<std::string> token = setup.Mint("bench validated (h2load)", {"Analyst"});
  if (!token.ok()) return token.status();
  const std::string authorization = "Bearer " + *caller;
  absl::StatusOr<v1::ValidateTokenResponse> answer = setup.Validate(authorization, *token);
  if (!answer.ok()) return answer.status();

  v1::ValidateTokenRequest validate;
  validate.set_token(*token);
  warden_bench::v1::EchoRequest echo;
  echo.set_token(*token);
  echo.set_response_size(static_cast<int32_t>(answer->ByteSizeLong()));
  if (absl::Status s = WriteFile(dir + "/validate.grpc", Frame(validate)); !s.ok()) return s;
  if (absl::Status s = WriteFile(dir + "/echo.grpc", Frame(echo)); !s.ok()) return s;
  return WriteFile(dir + "/authorization", authorization);
}

}  // namespace warden::bench
