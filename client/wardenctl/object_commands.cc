#include "client/wardenctl/object_commands.h"

#include "client/wardenctl/output.h"

namespace warden::cli {

absl::Status PrintDone(Session& session, const google::protobuf::Message& response,
                       const std::string& done) {
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(response);
  } else {
    session.out() << done << ".\n";
  }
  return absl::OkStatus();
}

}  // namespace warden::cli
