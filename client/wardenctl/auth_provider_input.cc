#include "client/wardenctl/auth_provider_input.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/wardenctl/object_file.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/role_support.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

absl::Status Invalid(const std::string& source_name, const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat(source_name, ": ", problem));
}

std::string OrDefault(const std::string& value, const std::string& fallback) {
  return value.empty() ? fallback : value;
}

}  // namespace

absl::StatusOr<v1::AuthProvider> ParseAuthProviderText(absl::string_view text,
                                                       const std::string& source_name) {
  ASSIGN_OR_RETURN(nlohmann::json json,
                   ParseObjectAsJson(text, source_name, "provider", "the auth provider"));
  for (const char* secret : {"clientSecret", "client_secret"}) {
    if (json.contains(secret)) {
      return Invalid(source_name,
                     absl::StrCat(secret,
                                  " is not accepted: put the secret in a file on the Warden "
                                  "server and name it with clientSecretFile"));
    }
  }
  // A single scope may be written as a string.
  if (json.contains("scopes") && json["scopes"].is_string()) {
    json["scopes"] = nlohmann::json::array({json["scopes"]});
  }
  v1::AuthProvider provider;
  const auto status = google::protobuf::util::JsonStringToMessage(json.dump(), &provider);
  if (!status.ok()) {
    return Invalid(source_name, std::string(status.message().data(), status.message().size()));
  }
  if (provider.issuer().empty()) return Invalid(source_name, "issuer is required");
  if (provider.client_id().empty()) return Invalid(source_name, "clientId is required");
  for (int i = 0; i < provider.rules_size(); ++i) {
    const v1::AuthProviderRule& rule = provider.rules(i);
    const char* missing = rule.key().empty()                ? "key"
                          : rule.value_expression().empty() ? "valueExpression"
                          : rule.role().empty()             ? "role"
                                                            : nullptr;
    if (missing != nullptr) {
      return Invalid(source_name, absl::StrCat("rules[", i, "]: ", missing, " is required"));
    }
  }
  return provider;
}

std::string RenderAuthProviderTable(const std::vector<v1::AuthProvider>& providers) {
  Table table({"NAME", "ISSUER", "CLIENT ID", "RULES", "ORIGIN"});
  for (const v1::AuthProvider& provider : providers) {
    table.AddRow({provider.name(), provider.issuer(), provider.client_id(),
                  absl::StrCat(provider.rules_size()), OriginName(provider.origin())});
  }
  return table.Render();
}

std::string RenderAuthProvider(const v1::AuthProvider& provider) {
  std::string out = RenderFields({
      {"NAME", provider.name()},
      {"ID", provider.id()},
      {"ISSUER", provider.issuer()},
      {"CLIENT ID", provider.client_id()},
      {"CLIENT SECRET FILE", OrDefault(provider.client_secret_file(), "- (public client)")},
      {"SCOPES", provider.scopes().empty() ? "openid email profile (default)"
                                           : absl::StrJoin(provider.scopes(), " ")},
      {"NAME CLAIM", OrDefault(provider.name_claim(), "email (default)")},
      {"MINIMUM ROLE", OrDefault(provider.minimum_role(), "None")},
      {"ORIGIN", OriginName(provider.origin())},
      {"REVISION", absl::StrCat(provider.revision())},
  });
  if (!provider.rules().empty()) {
    Table table({"CLAIM", "VALUE EXPRESSION", "ROLE"});
    for (const v1::AuthProviderRule& rule : provider.rules()) {
      table.AddRow({rule.key(), rule.value_expression(), rule.role()});
    }
    absl::StrAppend(&out, "\n", table.Render());
  }
  return out;
}

}  // namespace warden::cli
