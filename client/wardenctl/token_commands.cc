#include "client/wardenctl/token_commands.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/secret_output.h"
#include "client/wardenctl/session.h"
#include "client/wardenctl/time_flags.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

constexpr int kMaxPageSize = 1000;
constexpr int kDefaultPageSize = 100;
// The widest window ListExpiringTokens accepts.
constexpr absl::Duration kMaxExpiringWindow = absl::Hours(8760);

std::string RevokedCell(const v1::TokenMetadata& token) {
  if (!token.revoked()) return "no";
  return FormatTimestamp(token.revoked_at(), "yes");
}

// Unset: never used, as far as the server knows (or it does not track use).
std::string LastUsedCell(const v1::TokenMetadata& token) {
  return FormatTimestamp(token.last_used_at(), "never");
}

std::vector<std::pair<std::string, std::string>> TokenFields(const v1::TokenMetadata& token) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"ID", token.id()},
      {"NAME", token.name()},
      {"DESCRIPTION", token.description()},
      {"ROLES", absl::StrJoin(token.roles(), ", ")},
      {"ISSUED", FormatTimestamp(token.issued_at())},
      {"EXPIRES", FormatTimestamp(token.expiration())},
      {"LAST USED", LastUsedCell(token)},
      {"REVOKED", RevokedCell(token)},
      {"CREATED BY", token.created_by_name().empty()
                         ? token.created_by()
                         : absl::StrCat(token.created_by_name(), " (", token.created_by(), ")")},
  };
  if (!token.rotated_from().empty()) fields.emplace_back("ROTATED FROM", token.rotated_from());
  if (!token.rotated_to().empty()) fields.emplace_back("ROTATED TO", token.rotated_to());
  return fields;
}

// At most `width` characters of a description, for a table cell.
std::string DescriptionCell(const std::string& description, size_t width = 40) {
  if (description.size() <= width) return description;
  // Cut at a character boundary: back off over UTF-8 continuation bytes.
  size_t cut = width - 3;
  while (cut > 0 && (static_cast<unsigned char>(description[cut]) & 0xc0) == 0x80) --cut;
  return description.substr(0, cut) + "...";
}

// --expires-in or --expiration into `out`; neither: leaves it unset.
absl::Status ExpirationFlags(Session& session, google::protobuf::Timestamp* out, bool* set) {
  const ParsedFlags& flags = session.flags();
  *set = false;
  if (flags.Has("expires-in") && flags.Has("expiration")) {
    return session.Usage("--expires-in and --expiration are mutually exclusive");
  }
  if (flags.Has("expires-in")) {
    ASSIGN_OR_RETURN(absl::Duration lifetime,
                     ParseLifetime(session, "expires-in", flags.Get("expires-in")));
    out->set_seconds(absl::ToUnixSeconds(absl::Now() + lifetime));
    *set = true;
  } else if (flags.Has("expiration")) {
    ASSIGN_OR_RETURN(absl::Time expiration,
                     ParseRfc3339(session, "expiration", flags.Get("expiration")));
    out->set_seconds(absl::ToUnixSeconds(expiration));
    *set = true;
  }
  return absl::OkStatus();
}

absl::Status RunCreate(Session& session) {
  const ParsedFlags& flags = session.flags();
  if (!flags.Has("name")) return session.Usage("--name is required");
  if (!flags.Has("role")) return session.Usage("at least one --role is required");
  v1::GenerateTokenRequest request;
  request.set_name(flags.Get("name"));
  request.set_description(flags.Get("description"));
  for (const std::string& role : flags.GetAll("role")) request.add_roles(role);
  bool expiration_set = false;
  RETURN_IF_ERROR(ExpirationFlags(session, request.mutable_expiration(), &expiration_set));
  if (!expiration_set) request.clear_expiration();
  // Before minting: a token that cannot be saved would be lost at once.
  ASSIGN_OR_RETURN(SecretTokenOutput output, SecretTokenOutput::Open(flags));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::GenerateTokenResponse minted, client->GenerateToken(request));
  const v1::TokenMetadata& token = minted.metadata();
  return output.Put(
      session, minted.token(),
      {.response = &minted,
       .clear_token = [&] { minted.clear_token(); },
       .fields = TokenFields(token),
       .note = absl::StrCat("Created token ", token.id(), " (expires ",
                            FormatTimestamp(token.expiration()),
                            "). It is shown only this once: store it now.\n"),
       .on_save_error =
           [&](const absl::Status& saved) {
             absl::Status revoked = client->RevokeToken(token.id()).status();
             return absl::Status(
                 saved.code(),
                 absl::StrCat(saved.message(), "; the new token ", token.id(),
                              revoked.ok() ? " was revoked" : " could not be revoked"));
           }});
}

absl::Status RunRotate(Session& session) {
  const ParsedFlags& flags = session.flags();
  v1::RotateTokenRequest request;
  request.set_id(session.invocation().args[0]);
  if (flags.Has("overlap")) {
    ASSIGN_OR_RETURN(absl::Duration overlap, ParseLifetime(session, "overlap", flags.Get("overlap"),
                                                           /*allow_zero=*/true));
    request.mutable_overlap()->set_seconds(absl::ToInt64Seconds(overlap));
  }
  bool expiration_set = false;
  RETURN_IF_ERROR(ExpirationFlags(session, request.mutable_expiration(), &expiration_set));
  if (!expiration_set) request.clear_expiration();
  // Before rotating: a successor that cannot be saved would be lost at once.
  ASSIGN_OR_RETURN(SecretTokenOutput output, SecretTokenOutput::Open(flags));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::RotateTokenResponse rotated, client->RotateToken(request));
  const v1::TokenMetadata& successor = rotated.metadata();
  const v1::TokenMetadata& previous = rotated.previous();
  return output.Put(
      session, rotated.token(),
      {.response = &rotated,
       .clear_token = [&] { rotated.clear_token(); },
       .fields = TokenFields(successor),
       .note = absl::StrCat("Rotated token ", previous.id(), ": it keeps working until ",
                            FormatTimestamp(previous.expiration()), ". Its successor ",
                            successor.id(), " (expires ", FormatTimestamp(successor.expiration()),
                            ") is shown only this once: store it now.\n"),
       .on_save_error =
           [&](const absl::Status& saved) {
             return absl::Status(
                 saved.code(),
                 absl::StrCat(saved.message(), "; the successor ", successor.id(),
                              " was minted but not saved: rotate again is not possible, so "
                              "revoke it and create a new token"));
           }});
}

absl::Duration FromProto(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
}

// `token list --expiring`: the live tokens that expire within --within (default: the
// server's window), soonest first, after a banner on stderr.
absl::Status RunListExpiring(Session& session, int limit) {
  const ParsedFlags& flags = session.flags();
  if (flags.Has("revoked") || flags.Has("all")) {
    return session.Usage(
        "--expiring lists live tokens only: it cannot be combined with --revoked or --all");
  }
  if (flags.Has("unused-since")) {
    return session.Usage("--expiring cannot be combined with --unused-since");
  }
  v1::ListExpiringTokensRequest request;
  if (flags.Has("within")) {
    ASSIGN_OR_RETURN(absl::Duration within, ParseLifetime(session, "within", flags.Get("within")));
    if (within < absl::Seconds(1) || within > kMaxExpiringWindow) {
      return session.Usage(absl::StrCat("--within must be between 1s and ",
                                        absl::FormatDuration(kMaxExpiringWindow), ", not \"",
                                        flags.Get("within"), "\""));
    }
    const absl::Duration seconds = absl::Trunc(within, absl::Seconds(1));
    request.mutable_within()->set_seconds(absl::ToInt64Seconds(seconds));
    request.mutable_within()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(within - seconds)));
  }
  request.set_page_size(limit > 0 ? std::min(limit, kMaxPageSize) : kDefaultPageSize);

  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  v1::ListExpiringTokensResponse all;
  bool more = false;  // --limit left some out
  do {
    ASSIGN_OR_RETURN(v1::ListExpiringTokensResponse page, client->ListExpiringTokens(request));
    if (!all.has_within()) *all.mutable_within() = page.within();
    for (v1::ExpiringToken& token : *page.mutable_tokens()) {
      if (limit > 0 && all.tokens_size() >= limit) {
        more = true;
        break;
      }
      *all.add_tokens() = std::move(token);
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && (limit == 0 || all.tokens_size() < limit));
  more = more || !request.page_token().empty();

  // The banner goes to stderr in both formats, so stdout stays a table or JSON alone.
  const std::string window = absl::FormatDuration(FromProto(all.within()));
  if (all.tokens().empty()) {
    session.err() << "No tokens expire within " << window << ".\n";
  } else {
    session.err() << "WARNING: " << (more ? "at least " : "") << all.tokens_size()
                  << " token(s) expire within " << window << " — rotate them before they lapse.\n";
  }
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(all);
    return absl::OkStatus();
  }
  if (all.tokens().empty()) return absl::OkStatus();
  Table table({"ID", "NAME", "ROLES", "EXPIRES", "TIME LEFT"});
  for (const v1::ExpiringToken& expiring : all.tokens()) {
    const v1::TokenMetadata& token = expiring.token();
    table.AddRow({token.id(), token.name(), absl::StrJoin(token.roles(), ", "),
                  FormatTimestamp(token.expiration()),
                  FormatTimeLeft(FromProto(expiring.time_left()))});
  }
  session.out() << table.Render();
  return absl::OkStatus();
}

absl::Status RunList(Session& session) {
  const ParsedFlags& flags = session.flags();
  if (flags.Has("revoked") && flags.Has("active")) {
    return session.Usage("--revoked and --active are mutually exclusive");
  }
  int limit = 0;
  if (flags.Has("limit") && (!absl::SimpleAtoi(flags.Get("limit"), &limit) || limit < 1)) {
    return session.Usage("--limit must be a positive number");
  }
  if (flags.Has("expiring")) return RunListExpiring(session, limit);
  if (flags.Has("within")) return session.Usage("--within needs --expiring");
  v1::ListTokensRequest request;
  request.set_created_by(flags.Get("created-by"));
  if (flags.Has("revoked")) request.set_revoked(true);
  if (flags.Has("active")) request.set_revoked(false);
  request.set_include_expired(flags.Has("all"));
  if (flags.Has("unused-since")) {
    ASSIGN_OR_RETURN(absl::Time since, ParseTimeOrAgo(session, "unused-since",
                                                      flags.Get("unused-since"), absl::Now()));
    const timespec exact = absl::ToTimespec(since);
    request.mutable_unused_since()->set_seconds(exact.tv_sec);
    request.mutable_unused_since()->set_nanos(static_cast<int32_t>(exact.tv_nsec));
  }
  request.set_page_size(limit > 0 ? std::min(limit, kMaxPageSize) : kDefaultPageSize);

  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  // With --unused-since a page may be short, or empty, while more follow: keep paging.
  v1::ListTokensResponse all;
  do {
    ASSIGN_OR_RETURN(v1::ListTokensResponse page, client->ListTokens(request));
    for (v1::TokenMetadata& token : *page.mutable_tokens()) {
      if (limit > 0 && all.tokens_size() >= limit) break;
      *all.add_tokens() = std::move(token);
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && (limit == 0 || all.tokens_size() < limit));

  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(all);
    return absl::OkStatus();
  }
  if (all.tokens().empty()) {
    session.err() << "No tokens found.\n";
    return absl::OkStatus();
  }
  Table table(
      {"ID", "NAME", "DESCRIPTION", "ROLES", "EXPIRES", "LAST USED", "REVOKED", "CREATED BY"});
  for (const v1::TokenMetadata& token : all.tokens()) {
    table.AddRow({token.id(), token.name(), DescriptionCell(token.description()),
                  absl::StrJoin(token.roles(), ", "), FormatTimestamp(token.expiration()),
                  LastUsedCell(token), RevokedCell(token), CreatorCell(token)});
  }
  session.out() << table.Render();
  return absl::OkStatus();
}

absl::Status RunGet(Session& session) {
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::TokenMetadata token, client->GetToken(session.invocation().args[0]));
  if (session.format() == OutputFormat::kJson) {
    v1::GetTokenResponse response;
    *response.mutable_token() = std::move(token);
    session.out() << ToJson(response);
  } else {
    session.out() << RenderFields(TokenFields(token));
  }
  return absl::OkStatus();
}

absl::Status RunRevoke(Session& session) {
  const ParsedFlags& flags = session.flags();
  const std::vector<std::string>& args = session.invocation().args;
  if (args.empty() == !flags.Has("created-by")) {
    return session.Usage("give either a token ID or --created-by, not both");
  }
  v1::RevokeTokenRequest request;
  if (!args.empty()) request.set_id(args[0]);
  request.set_created_by(flags.Get("created-by"));
  request.set_cascade(flags.Has("cascade"));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::RevokeTokenResponse response, client->RevokeTokens(request));
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  const int64_t count = response.revoked_count();
  if (response.has_token()) {
    const v1::TokenMetadata& token = response.token();
    session.out() << "Revoked token " << token.id() << " (" << token.name() << ")";
    if (request.cascade()) {
      session.out() << " and every token minted with it: " << count
                    << " token(s) revoked now (tokens revoked before are not counted)";
    }
    session.out() << ".\n";
  } else {
    session.out() << "Revoked " << count << " token(s) created by " << request.created_by()
                  << (request.cascade() ? ", and every token they minted" : "") << ".\n";
  }
  return absl::OkStatus();
}

absl::Status RunAllowedRoles(Session& session) {
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(std::vector<std::string> roles, client->ListAllowedTokenRoles());
  if (session.format() == OutputFormat::kJson) {
    v1::ListAllowedTokenRolesResponse response;
    for (std::string& role : roles) response.add_role_names(std::move(role));
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  Table table({"ROLE"});
  for (const std::string& role : roles) table.AddRow({role});
  session.out() << table.Render();
  return absl::OkStatus();
}

}  // namespace

std::string CreatorCell(const v1::TokenMetadata& token) {
  return token.created_by_name().empty() ? token.created_by() : token.created_by_name();
}

Command TokenCommand() {
  Command create{
      .name = "create",
      .summary = "Mint a token; it is printed (or written to a file) this once only",
      .description =
          "Mint a token carrying the given roles; you must hold every permission they grant.\n"
          "The token goes to stdout, or with --output-file only to that file (mode 0600) while\n"
          "stdout shows its metadata. Warden never stores it: keep it now. Without\n"
          "--expires-in or --expiration it expires in one year (or the server's maximum).",
      .flags = {{.name = "name",
                 .value_name = "NAME",
                 .help = "a name people recognise (required)"},
                {.name = "description",
                 .value_name = "TEXT",
                 .help = "what the token is for (up to 1,024 characters)"},
                {.name = "role",
                 .value_name = "ROLE",
                 .help = "a role for the token (required; repeat for more)",
                 .repeated = true},
                {.name = "expires-in",
                 .value_name = "DURATION",
                 .help = "lifetime from now: 720h, 90m, 30d"},
                {.name = "expiration",
                 .value_name = "TIME",
                 .help = "expiry as RFC 3339, e.g. 2030-01-01T00:00:00Z"},
                {.name = "output-file",
                 .value_name = "FILE",
                 .help = "write the token to FILE (mode 0600) instead of stdout",
                 .file_value = true}},
      .examples = {"TOKEN=$(wardenctl token create --name ci --role 'Continuous Integration')",
                   "wardenctl token create --name ci --role Analyst --expires-in 720h "
                   "--output-file ci.token"},
      .run = RunCreate,
  };
  Command list{
      .name = "list",
      .summary = "List tokens (unexpired ones unless --all; soon-expiring with --expiring)",
      .description =
          "List token metadata, oldest first, paging through the server's results.\n"
          "Expired tokens are hidden unless --all is given. LAST USED is when the token\n"
          "was last presented to Warden (to within a minute, written every minute or so);\n"
          "\"never\" if it never was. --unused-since lists only the tokens not used since a\n"
          "time: never used, or last used before it (stale tokens to revoke).\n"
          "\n"
          "With --expiring, list instead the live (unrevoked, unexpired) tokens that expire\n"
          "within --within (default: the server's window, 168h unless configured), soonest\n"
          "first, with the time each has left. A warning banner with their count (or \"No\n"
          "tokens expire within ...\") goes to stderr, so stdout stays a table or JSON.\n"
          "--expiring cannot be combined with --revoked or --all. Needs READ_ACCESS on\n"
          "Integration.",
      .flags = {{.name = "revoked", .help = "only revoked tokens"},
                {.name = "active", .help = "only tokens that are not revoked"},
                {.name = "all", .help = "include expired tokens"},
                {.name = "limit", .value_name = "N", .help = "show at most N tokens"},
                {.name = "unused-since",
                 .value_name = "WHEN",
                 .help = "only tokens not used since then: 90d (ago) or an RFC 3339 time"},
                {.name = "created-by",
                 .value_name = "WHO",
                 .help = "only tokens this identity created: user:admin, token:<id>, ..."},
                {.name = "expiring", .help = "only live tokens that expire soon, soonest first"},
                {.name = "within",
                 .value_name = "DURATION",
                 .help = "with --expiring: how far ahead to look (48h, 7d; 1s to 8760h)"}},
      .examples = {"wardenctl token list --active", "wardenctl token list --all -o json | jq .",
                   "wardenctl token list --expiring --within 48h",
                   "wardenctl token list --active --unused-since 90d",
                   "wardenctl token list --created-by token:0b6c3c1e-5f4e-4e8e-9a57-0d3f3e1b2a10"},
      .run = RunList,
  };
  Command get{
      .name = "get",
      .summary = "Show one token's metadata",
      .arguments = "ID",
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl token get 0b6c3c1e-5f4e-4e8e-9a57-0d3f3e1b2a10"},
      .run = RunGet,
  };
  Command revoke{
      .name = "revoke",
      .summary = "Revoke a token permanently (with --cascade, what it minted too)",
      .arguments = "[ID]",
      .description =
          "Revoke a token permanently. Revoking a revoked token succeeds. With --cascade,\n"
          "also every token minted with it as the credential, and every token those minted,\n"
          "in one transaction. With --created-by instead of an ID, every token that identity\n"
          "created (a person who left: user:<provider>:<subject>). Says how many it revoked.",
      .flags = {{.name = "cascade", .help = "also revoke every token minted with it, transitively"},
                {.name = "created-by",
                 .value_name = "WHO",
                 .help = "revoke every token this identity created instead of one ID"}},
      .min_args = 0,
      .max_args = 1,
      .examples = {"wardenctl token revoke --cascade 0b6c3c1e-5f4e-4e8e-9a57-0d3f3e1b2a10",
                   "wardenctl token revoke --created-by user:corp:alice@example.com --cascade"},
      .run = RunRevoke,
  };
  Command rotate{
      .name = "rotate",
      .summary = "Replace a token with a successor; the old one works for an overlap",
      .arguments = "ID",
      .description =
          "Mint a successor with the token's name, description and roles and the same\n"
          "lifetime from now (or --expires-in / --expiration), and cut the old token's life\n"
          "to --overlap from now (default 24h, at most 168h; 0s ends it at once), so whoever\n"
          "uses it can switch without an outage. The successor is printed (or written to\n"
          "--output-file) this once only. Needs what `token create` needs.",
      .flags = {{.name = "overlap",
                 .value_name = "DURATION",
                 .help = "how long the old token keeps working: 0s to 168h (default 24h)"},
                {.name = "expires-in",
                 .value_name = "DURATION",
                 .help = "the successor's lifetime from now"},
                {.name = "expiration",
                 .value_name = "TIME",
                 .help = "the successor's expiry as RFC 3339"},
                {.name = "output-file",
                 .value_name = "FILE",
                 .help = "write the successor to FILE (mode 0600) instead of stdout",
                 .file_value = true}},
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl token rotate 0b6c3c1e-5f4e-4e8e-9a57-0d3f3e1b2a10 --overlap 2h "
                   "--output-file ci.token"},
      .run = RunRotate,
  };
  Command allowed_roles{
      .name = "allowed-roles",
      .summary = "List the roles you may put into a new token",
      .run = RunAllowedRoles,
  };
  return Command{
      .name = "token",
      .summary = "Create, list, show, rotate and revoke API tokens",
      .description = "Create, list, show, rotate and revoke API tokens (warden.v1.TokenService).",
      .subcommands = {create, list, get, rotate, revoke, allowed_roles},
  };
}

}  // namespace warden::cli
