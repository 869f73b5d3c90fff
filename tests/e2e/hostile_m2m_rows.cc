// One part of the hostile table of hostile_input_test.cc: machine-to-machine configurations
// (AuthService's M2M configuration calls).

#include <string>
#include <vector>

#include "tests/e2e/hostile_fixture.h"

namespace warden::testing {

using grpc::StatusCode;

std::vector<HostileRow> HostileFixture::M2mRows() {
  return {
      // Machine-to-machine configurations.
      {"M2M audience, claim key and expression of SQL are stored verbatim",
       [this] {
         return M2mVerbatim([](auto& config) {
           config.add_audiences(kSqlInjection);
           auto* mapping = config.add_mappings();
           mapping->set_key(kMetacharacters);
           mapping->set_value_expression("'; DROP TABLE m2m_configs; --.*");
           mapping->set_role("Analyst");
         });
       },
       StatusCode::OK},
      {"M2M mapping role of SQL",
       [this] {
         return TryM2m([](auto& config) { config.mutable_mappings(0)->set_role(kSqlInjection); });
       },
       StatusCode::INVALID_ARGUMENT},
      {"M2M issuer of SQL",
       [this] { return TryM2m([](auto& config) { config.set_issuer(kSqlInjection); }); },
       StatusCode::INVALID_ARGUMENT},
      {"M2M audience with a NUL byte",
       [this] { return TryM2m([](auto& config) { config.set_audiences(0, kNul); }); },
       StatusCode::INVALID_ARGUMENT},
      {"M2M claim key with a NUL byte",
       [this] {
         return M2mVerbatim([](auto& config) { config.mutable_mappings(0)->set_key(kNul); });
       },
       StatusCode::INVALID_ARGUMENT},
      {"M2M expression '.*', a NUL byte and more (stored, it would match everything)",
       [this] {
         return M2mVerbatim([](auto& config) {
           config.mutable_mappings(0)->set_value_expression(std::string(".*\0org/repo", 11));
         });
       },
       StatusCode::INVALID_ARGUMENT},
      {"M2M token lifetime of SQL",
       [this] {
         return TryM2m([](auto& config) { config.set_token_expiration_duration(kSqlInjection); });
       },
       StatusCode::INVALID_ARGUMENT},
      {"M2M expression of 1 MB",
       [this] {
         return TryM2m([this](auto& config) {
           config.mutable_mappings(0)->set_value_expression(megabyte_name_);
         });
       },
       StatusCode::INVALID_ARGUMENT},
  };
}

}  // namespace warden::testing
