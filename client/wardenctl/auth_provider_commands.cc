#include "client/wardenctl/auth_provider_commands.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "client/wardenctl/auth_provider_input.h"
#include "client/wardenctl/object_commands.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/role_support.h"
#include "client/wardenctl/session.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

using Provider = v1::AuthProvider;

constexpr char kNotFoundHint[] = "check the name (`wardenctl auth-provider list`)";

// The provider named (or with the id) `name_or_id`, from the list.
absl::StatusOr<Provider> FindProvider(Client& client, const std::string& name_or_id) {
  ASSIGN_OR_RETURN(std::vector<Provider> providers, client.ListAuthProviders());
  return FindByNameOrId(providers, name_or_id, "auth provider");
}

absl::StatusOr<Provider> ProviderFromFile(Session& session) {
  if (!session.flags().Has("file")) {
    return session.Usage("--file FILE is required (YAML or JSON; see --help)");
  }
  return ReadObjectFromFile(session.flags().Get("file"), ParseAuthProviderText);
}

absl::Status RunList(Session& session) {
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(std::vector<Provider> providers, client->ListAuthProviders());
  if (session.format() == OutputFormat::kJson) {
    v1::ListAuthProvidersResponse response;
    for (Provider& provider : providers) *response.add_providers() = std::move(provider);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  if (providers.empty()) {
    session.err() << "No auth providers.\n";
    return absl::OkStatus();
  }
  session.out() << RenderAuthProviderTable(providers);
  return absl::OkStatus();
}

absl::Status RunGet(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Provider provider, FindProvider(*client, session.invocation().args[0]));
  if (session.format() == OutputFormat::kJson) {
    v1::GetAuthProviderResponse response;
    *response.mutable_provider() = std::move(provider);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  session.out() << RenderAuthProvider(provider);
  return absl::OkStatus();
}

absl::Status RunAdd(Session& session) {
  ASSIGN_OR_RETURN(Provider provider, ProviderFromFile(session));
  if (provider.name().empty()) {
    return LocalError(absl::InvalidArgumentError(
        absl::StrCat(session.flags().Get("file"), ": name is required")));
  }
  provider.clear_id();
  provider.clear_origin();
  provider.clear_revision();
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Provider added, client->AddAuthProvider(provider));
  v1::AddAuthProviderResponse response;
  *response.mutable_provider() = std::move(added);
  return PrintDone(session, response,
                   absl::StrCat("Added auth provider ", response.provider().name(), " (",
                                response.provider().issuer(), ")"));
}

absl::Status RunUpdate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(Provider provider, ProviderFromFile(session));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Provider current, FindProvider(*client, session.invocation().args[0]));
  // The argument names the provider, not the file; a name cannot change.
  if (!provider.name().empty() && provider.name() != current.name()) {
    return session.Usage(absl::StrCat("the file names provider \"", provider.name(), "\", not \"",
                                      current.name(), "\"; a provider's name cannot change"));
  }
  provider.set_id(current.id());
  provider.set_name(current.name());
  provider.clear_origin();
  provider.clear_revision();
  ASSIGN_OR_RETURN(Provider updated, client->UpdateAuthProvider(provider));
  v1::UpdateAuthProviderResponse response;
  *response.mutable_provider() = std::move(updated);
  return PrintDone(session, response,
                   absl::StrCat("Updated auth provider ", response.provider().name()));
}

absl::Status RunDelete(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Provider provider, FindProvider(*client, session.invocation().args[0]));
  RETURN_IF_ERROR(client->DeleteAuthProvider(provider.id()));
  return PrintDone(
      session, v1::DeleteAuthProviderResponse(),
      absl::StrCat("Deleted auth provider ", provider.name(), "; its sessions are over"));
}

constexpr char kFileDescription[] =
    "The file is YAML, or JSON in the protobuf mapping (as `wardenctl auth-provider get\n"
    "-o json` prints it):\n"
    "  name: corp-sso                  # a-z, 0-9, '-'; cannot change\n"
    "  issuer: https://login.example.com\n"
    "  clientId: warden\n"
    "  clientSecretFile: /etc/warden/sso-secret   # on the server; empty: public client\n"
    "  scopes: [openid, email, groups]           # default: openid email profile\n"
    "  nameClaim: email                          # default: email, else sub\n"
    "  minimumRole: None                         # what everyone gets\n"
    "  rules:\n"
    "    - key: groups\n"
    "      valueExpression: platform-admins\n"
    "      role: Admin\n"
    "A rule grants its role when the claim (dots reach into nested objects) matches the\n"
    "RE2 expression in full (for an array claim, any element). snake_case names\n"
    "(client_id, value_expression) work too. The secret itself is never accepted: put it\n"
    "in a file on the Warden server. The provider must allow Warden's redirect URIs: the\n"
    "console's <base URL>/auth/callback and, for `wardenctl login --provider`,\n"
    "http://127.0.0.1/callback on any port (RFC 8252).";

std::vector<FlagSpec> FileFlag() {
  return {{.name = "file",
           .short_name = 'f',
           .value_name = "FILE",
           .help = "read the provider from FILE (YAML or JSON; - for stdin) (required)",
           .file_value = true}};
}

}  // namespace

Command AuthProviderCommand() {
  Command list{
      .name = "list",
      .summary = "List the auth providers",
      .description =
          "List every auth provider, sorted by name: its issuer, client id, how many rules\n"
          "it has and who manages it (api or declarative).",
      .examples = {"wardenctl auth-provider list",
                   "wardenctl auth-provider list -o json | jq -r '.providers[].name'"},
      .run = RunList,
  };
  Command get{
      .name = "get",
      .summary = "Show one auth provider with its rules",
      .arguments = "NAME_OR_ID",
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl auth-provider get corp-sso"},
      .run = RunGet,
  };
  Command add{
      .name = "add",
      .summary = "Add an auth provider from a file",
      .description = absl::StrCat(
          "Add an OIDC provider people sign in through. Warden fetches the issuer's\n"
          "discovery document and keys first and stores nothing if that fails. You cannot\n"
          "add rules (or a minimum role) granting a role beyond your own.\n\n",
          kFileDescription),
      .flags = FileFlag(),
      .examples = {"wardenctl auth-provider add -f corp-sso.yaml"},
      .run = RunAdd,
  };
  Command update{
      .name = "update",
      .summary = "Replace an auth provider from a file",
      .arguments = "NAME_OR_ID",
      .description = absl::StrCat(
          "Replace the provider NAME_OR_ID by the one in the file (everything is replaced;\n"
          "the name may be left out, and cannot change). A change that could take a role\n"
          "away from someone (a rule changed or removed, another minimum role, issuer or\n"
          "client) ends the provider's live sessions. Declarative providers are read-only.\n\n",
          kFileDescription),
      .flags = FileFlag(),
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl auth-provider update corp-sso -f corp-sso.yaml"},
      .run = RunUpdate,
  };
  Command remove{
      .name = "delete",
      .summary = "Delete an auth provider and end its sessions",
      .arguments = "NAME_OR_ID",
      .description = "Delete an auth provider. Its people's sessions end; tokens they minted stay.",
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl auth-provider delete corp-sso"},
      .run = RunDelete,
  };
  return Command{
      .name = "auth-provider",
      .summary = "Add, list, show, replace and delete the auth providers people sign in with",
      .description =
          "Auth providers are the OIDC identity providers (your company's single sign-on)\n"
          "through which people sign in to Warden as themselves (`wardenctl login\n"
          "--provider NAME`, or the console), with roles chosen by rules over their claims\n"
          "(warden.v1.AuthProviderService). Reading needs READ_ACCESS on Access, changing\n"
          "needs READ_WRITE_ACCESS.",
      .subcommands = {list, get, add, update, remove},
  };
}

}  // namespace warden::cli
