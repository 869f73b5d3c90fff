// End to end: `wardenctl role`, `permission-set` and `scope` against the real server, with
// the Token Issuer scenario (a role may grant what it holds and no more) from the CLI.

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/cli/cli_fixture.h"

namespace warden::testing {
namespace {

class RoleCliFixture : public CliFixture {
 public:
  RoleCliFixture() { Login(); }
};

std::vector<std::string> Lines(const std::string& out) {
  return absl::StrSplit(absl::StripSuffix(out, "\n"), '\n');
}

// The table row whose first column is `name`; fails the test if there is none.
std::string Row(const std::string& table, const std::string& name) {
  for (const std::string& line : Lines(table)) {
    if (absl::StartsWith(line, name + "  ")) return line;
  }
  FAIL("no row " << name << " in\n" << table);
  return "";
}

// The cell of `row` in the column whose header is `header` (up to the next column).
std::string Cell(const std::string& table, const std::string& row, const std::string& header) {
  const std::string head = Lines(table)[0];
  const size_t start = head.find(header);
  REQUIRE(start != std::string::npos);
  // The next column starts after the run of spaces that ends this header.
  const size_t end = head.find_first_not_of(' ', head.find("  ", start));
  std::string cell = row.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return std::string(absl::StripTrailingAsciiWhitespace(cell));
}

TEST_CASE_METHOD(RoleCliFixture,
                 "permission sets from --grant, a YAML file and a JSON file: list, get, update") {
  CliResult issuer = Ok({"permission-set", "create", "Token Issuer", "--grant",
                         "Access=READ_ACCESS", "--grant", "Integration=read-write", "--grant",
                         "Image=Read", "--description", "Mints tokens for CI"});
  CHECK(absl::StartsWith(issuer.out, "Created permission set Token Issuer ("));

  const std::string yaml = File("image-reader.yaml", R"(# one entry of the declarative file
name: Image Reader
description: Reads images
resources:
  Image: READ_ACCESS
)");
  CHECK(absl::StartsWith(Ok({"permission-set", "create", "-f", yaml}).out,
                         "Created permission set Image Reader ("));
  const std::string json_file = File(
      "deployer.json",
      R"({"name": "Deployer", "resourceToAccess": {"Deployment": "ACCESS_LEVEL_READ_WRITE_ACCESS",
          "Image": "READ_ACCESS"}})");
  nlohmann::json deployer =
      Json(Ok({"permission-set", "create", "--file", json_file, "-o", "json"}))["permissionSet"];
  const std::string deployer_id = deployer["id"];
  CHECK(deployer_id.size() == 36);
  CHECK(deployer["origin"] == "ORIGIN_API");
  CHECK(deployer["resourceToAccess"] ==
        nlohmann::json({{"Deployment", "ACCESS_LEVEL_READ_WRITE_ACCESS"},
                        {"Image", "ACCESS_LEVEL_READ_ACCESS"}}));

  CliResult list = Ok({"permission-set", "list"});
  CHECK(absl::StartsWith(list.out, "NAME "));
  CHECK(Lines(list.out).size() == 1 + 7 + 3);
  const std::string head = Lines(list.out)[0];
  CHECK(head.find("ID") < head.find("RESOURCES"));
  CHECK(absl::EndsWith(head, "ORIGIN"));
  std::string row = Row(list.out, "Token Issuer");
  CHECK(Cell(list.out, row, "RESOURCES") == "Access=R, Image=R, Integration=RW");
  CHECK(Cell(list.out, row, "ORIGIN") == "api");
  CHECK(Cell(list.out, Row(list.out, "Deployer"), "ID") == deployer_id);
  CHECK(Cell(list.out, Row(list.out, "Admin"), "RESOURCES") == "24 resources: 24 RW");
  CHECK(Cell(list.out, Row(list.out, "Admin"), "ORIGIN") == "built-in");
  CHECK(Cell(list.out, Row(list.out, "None"), "RESOURCES") == "-");
  CHECK(Json(Ok({"permission-set", "list", "-o", "json"}))["permissionSets"].size() == 10);

  CliResult get = Ok({"permission-set", "get", "Image Reader"});
  CHECK(absl::StartsWith(get.out, "NAME          Image Reader\nID            "));
  CHECK(absl::StrContains(get.out, "\nDESCRIPTION   Reads images\nORIGIN        api\n"));
  CHECK(absl::EndsWith(get.out, "\nRESOURCE   ACCESS\nImage      read\n"));
  CHECK(Ok({"permission-set", "get", deployer_id}).out ==
        Ok({"permission-set", "get", "Deployer"}).out);
  nlohmann::json got = Json(Ok({"permission-set", "get", "Deployer", "-o", "json"}));
  CHECK(got["permissionSet"]["name"] == "Deployer");

  CliResult updated = Ok({"permission-set", "update", "Image Reader", "--grant", "Deployment=read",
                          "--remove", "Image", "--description", "Reads"});
  CHECK(absl::StartsWith(updated.out, "Updated permission set Image Reader ("));
  nlohmann::json reader = Json(Ok({"permission-set", "get", "Image Reader", "-o", "json"}));
  CHECK(reader["permissionSet"]["resourceToAccess"] ==
        nlohmann::json({{"Deployment", "ACCESS_LEVEL_READ_ACCESS"}}));
  CHECK(reader["permissionSet"]["description"] == "Reads");
  Ok({"permission-set", "update", deployer_id, "--name", "Deployer 2"});
  CHECK(Json(Ok({"permission-set", "get", "Deployer 2", "-o", "json"}))["permissionSet"]["id"] ==
        deployer_id);

  CliResult missing = Fails({"permission-set", "get", "Nope"}, 2);
  CHECK(missing.err ==
        "wardenctl: NOT_FOUND: no permission set is named or has the id \"Nope\" — check the "
        "name or id (`wardenctl permission-set list`)\n");
  CHECK(absl::StrContains(
      Fails({"permission-set", "update", "Image Reader", "--remove", "Alert"}, 2).err,
      "NOT_FOUND: permission set Image Reader grants nothing on resource "
      "\"Alert\""));
  CHECK(absl::StartsWith(Fails({"permission-set", "create", "Deployer 2"}, 2).err,
                         "wardenctl: ALREADY_EXISTS: "));
  CliResult unknown = Fails({"permission-set", "create", "typo", "--grant", "Imagez=read"}, 2);
  CHECK(absl::StartsWith(unknown.err, "wardenctl: INVALID_ARGUMENT: "));
  CHECK(absl::StrContains(unknown.err, "Imagez"));
  CliResult built_in = Fails({"permission-set", "update", "Analyst", "--grant", "Image=rw"}, 2);
  CHECK(absl::StartsWith(built_in.err, "wardenctl: FAILED_PRECONDITION: "));
  CHECK(absl::StrContains(built_in.err, "built in"));

  // A bad file is a local problem: exit 1, the file and line, nothing sent.
  const std::string bad = File("bad.yaml", "name: Bad\nresources:\n  Image: READ\n");
  CliResult bad_file = Fails({"permission-set", "create", "-f", bad}, 1);
  CHECK(bad_file.err == absl::StrCat("wardenctl: ", bad,
                                     ":3: permission set \"Bad\": access level of resource "
                                     "\"Image\" is \"READ\", not NO_ACCESS, READ_ACCESS or "
                                     "READ_WRITE_ACCESS\n"));
  CHECK(absl::StrContains(
      Fails({"permission-set", "create", "-f", cli_.directory() + "/absent.json"}, 1).err,
      "cannot read " + cli_.directory() + "/absent.json"));
}

TEST_CASE_METHOD(RoleCliFixture,
                 "a Token Issuer role mints an Image Reader token but not Continuous "
                 "Integration, and roles in use cannot be deleted") {
  Ok({"permission-set", "create", "Token Issuer", "--grant", "Access=READ_ACCESS", "--grant",
      "Integration=READ_WRITE_ACCESS", "--grant", "Image=READ_ACCESS"});
  CHECK(Ok({"role", "create", "Token Issuer", "--permission-set", "Token Issuer", "--description",
            "Issues CI tokens"})
            .out == "Created role Token Issuer.\n");
  Ok({"permission-set", "create", "Image Reader", "--grant", "Image=read"});
  const std::string role_file =
      File("image-reader-role.yaml", "name: Image Reader\npermissionSet: Image Reader\n");
  CHECK(Ok({"role", "create", "-f", role_file}).out == "Created role Image Reader.\n");

  CliResult list = Ok({"role", "list"});
  const std::string head = Lines(list.out)[0];
  CHECK(absl::StartsWith(head, "NAME "));
  CHECK(head.find("PERMISSION SET") < head.find("SCOPE"));
  CHECK(absl::EndsWith(head, "   SCOPE          ORIGIN"));  // "Unrestricted" + 3
  std::string issuer_row = Row(list.out, "Token Issuer");
  CHECK(Cell(list.out, issuer_row, "PERMISSION SET") == "Token Issuer");
  CHECK(Cell(list.out, issuer_row, "SCOPE") == "Unrestricted");
  CHECK(Cell(list.out, issuer_row, "ORIGIN") == "api");
  CHECK(Cell(list.out, Row(list.out, "Image Reader"), "PERMISSION SET") == "Image Reader");
  CHECK(Cell(list.out, Row(list.out, "Analyst"), "ORIGIN") == "built-in");
  CHECK(Json(Ok({"role", "list", "-o", "json"}))["roles"].size() == 9);

  CliResult get = Ok({"role", "get", "Token Issuer"});
  CHECK(absl::StartsWith(get.out,
                         "NAME             Token Issuer\nDESCRIPTION      Issues CI "
                         "tokens\nPERMISSION SET   Token Issuer ("));
  CHECK(absl::StrContains(get.out, "\nSCOPE            Unrestricted ("));
  CHECK(absl::EndsWith(get.out,
                       "\nRESOURCE      ACCESS\nAccess        read\nImage         read\n"
                       "Integration   read-write\n"));
  nlohmann::json role = Json(Ok({"role", "get", "Token Issuer", "-o", "json"}))["role"];
  CHECK(role["permissionSetId"].get<std::string>().size() == 36);
  CHECK(role["origin"] == "ORIGIN_API");

  // Admin (the session) mints the issuer's token; the issuer mints with --token.
  const std::string issuer(absl::StripSuffix(
      Ok({"token", "create", "--name", "issuer", "--role", "Token Issuer"}).out, "\n"));
  CliResult reader = Ctl({"--token", issuer, "token", "create", "--name", "reader", "--role",
                          "Image Reader", "-o", "json"});
  INFO(Describe(reader));
  REQUIRE(reader.exit_code == 0);
  CHECK(Json(reader)["metadata"]["roles"] == nlohmann::json::array({"Image Reader"}));
  CliResult ci = Fails(
      {"--token", issuer, "token", "create", "--name", "ci", "--role", "Continuous Integration"},
      2);
  CHECK(absl::StartsWith(ci.err, "wardenctl: PERMISSION_DENIED: "));
  CHECK(absl::StrContains(
      ci.err, "Image in scope Unrestricted (requested READ_WRITE_ACCESS, held READ_ACCESS)"));

  // In use: the error names the token, or the role.
  CliResult role_in_use = Fails({"role", "delete", "Image Reader"}, 2);
  CHECK(absl::StartsWith(role_in_use.err,
                         "wardenctl: FAILED_PRECONDITION: role Image Reader is "
                         "used by 1 live token: reader ("));
  CliResult set_in_use = Fails({"permission-set", "delete", "Image Reader"}, 2);
  CHECK(absl::StartsWith(set_in_use.err,
                         "wardenctl: FAILED_PRECONDITION: permission set Image "
                         "Reader is used by 1 role: Image Reader"));
  // Built in: read-only.
  CHECK(absl::StrContains(Fails({"role", "delete", "Analyst"}, 2).err,
                          "FAILED_PRECONDITION: role Analyst is built in"));
  CHECK(absl::StrContains(Fails({"permission-set", "delete", "Admin"}, 2).err,
                          "FAILED_PRECONDITION: "));
  CHECK(absl::StrContains(Fails({"scope", "delete", "Unrestricted"}, 2).err,
                          "FAILED_PRECONDITION: "));
  CHECK(absl::StrContains(Fails({"role", "update", "Admin", "--description", "x"}, 2).err,
                          "FAILED_PRECONDITION: "));
  CliResult no_role = Fails({"role", "delete", "Nobody"}, 2);
  CHECK(absl::StartsWith(no_role.err, "wardenctl: NOT_FOUND: "));
  CHECK(absl::EndsWith(no_role.err, " — check the name (`wardenctl role list`)\n"));
  CHECK(absl::StrContains(Fails({"role", "create", "Dangling", "--permission-set", "Nope"}, 2).err,
                          "NOT_FOUND: no permission set is named or has the id \"Nope\""));

  // Update: the issuer's tokens get the new permission set at once.
  Ok({"role", "update", "Token Issuer", "--permission-set", "Analyst"});
  CHECK(Json(Ok({"role", "get", "Token Issuer", "-o", "json"}))["role"]["permissionSetId"] ==
        "b0b0b0b0-0000-4000-8000-000000000002");
  nlohmann::json whoami = Json(Ctl({"--token", issuer, "whoami", "-o", "json"}));
  CHECK(whoami["identity"]["permissions"]["Integration"] == "ACCESS_LEVEL_READ_ACCESS");

  // Once the token is revoked, the role and then its set can go.
  Ok({"token", "revoke", Json(reader)["metadata"]["id"].get<std::string>()});
  CHECK(Ok({"role", "delete", "Image Reader"}).out == "Deleted role Image Reader.\n");
  CHECK(absl::StartsWith(Ok({"permission-set", "delete", "Image Reader"}).out,
                         "Deleted permission set Image Reader ("));
  CHECK(Json(Ok({"role", "list", "-o", "json"}))["roles"].size() == 8);
}

TEST_CASE_METHOD(RoleCliFixture,
                 "scopes from --cluster/--namespace and files, and roles within them") {
  CHECK(absl::StartsWith(
      Ok({"scope", "create", "team-a", "--cluster", "prod-eu", "--namespace", "prod-us/payments",
          "--namespace", "prod-us/billing", "--description", "Team A"})
          .out,
      "Created access scope team-a ("));
  Ok({"scope", "create", "-f", File("team-b.yaml", "name: team-b\nrules:\n  clusters: [dev]\n")});
  Ok({"scope", "create", "-f", File("team-c.json", R"({"name": "team-c", "rules": {"namespaces": [
           {"cluster": "dev", "namespace": "c"}]}})")});

  CliResult list = Ok({"scope", "list"});
  const std::string head = Lines(list.out)[0];
  CHECK(absl::StartsWith(head, "NAME "));
  CHECK(head.find("ID") < head.find("CLUSTERS"));
  CHECK(head.find("CLUSTERS") < head.find("NAMESPACES"));
  CHECK(absl::EndsWith(head, "ORIGIN"));
  CHECK(Lines(list.out).size() == 5);
  std::string a = Row(list.out, "team-a");
  CHECK(Cell(list.out, a, "CLUSTERS") == "prod-eu");
  CHECK(Cell(list.out, a, "NAMESPACES") == "prod-us/payments, prod-us/billing");
  CHECK(Cell(list.out, a, "ORIGIN") == "api");
  CHECK(Cell(list.out, Row(list.out, "team-b"), "NAMESPACES") == "-");
  CHECK(Cell(list.out, Row(list.out, "team-c"), "NAMESPACES") == "dev/c");
  CHECK(Cell(list.out, Row(list.out, "Unrestricted"), "CLUSTERS") == "all");
  CHECK(Cell(list.out, Row(list.out, "Unrestricted"), "ORIGIN") == "built-in");

  CliResult get = Ok({"scope", "get", "team-a"});
  CHECK(absl::StartsWith(get.out, "NAME          team-a\n"));
  CHECK(absl::EndsWith(get.out,
                       "\nCLUSTERS      prod-eu\nNAMESPACES    prod-us/payments, "
                       "prod-us/billing\n"));

  Ok({"role", "create", "Team A reader", "--permission-set", "Analyst", "--scope", "team-a"});
  const std::string team_b_id =
      Json(Ok({"scope", "get", "team-b", "-o", "json"}))["accessScope"]["id"];
  Ok(
      {"role",
       "create", "-f", File("role.json", R"({"name": "Team B reader", "permissionSetId": "Analyst",
           "accessScopeId": ")" + team_b_id + "\"}")});
  CliResult roles = Ok({"role", "list"});
  CHECK(Cell(roles.out, Row(roles.out, "Team A reader"), "SCOPE") == "team-a");
  CHECK(Cell(roles.out, Row(roles.out, "Team B reader"), "SCOPE") == "team-b");
  CHECK(Cell(roles.out, Row(roles.out, "Team B reader"), "PERMISSION SET") == "Analyst");

  Ok({"scope", "update", "team-a", "--cluster", "prod-ap", "--cluster", "prod-eu",
      "--remove-namespace", "prod-us/billing"});
  nlohmann::json rules = Json(Ok({"scope", "get", "team-a", "-o", "json"}))["accessScope"]["rules"];
  CHECK(rules["clusters"] == nlohmann::json::array({"prod-eu", "prod-ap"}));
  CHECK(rules["namespaces"] ==
        nlohmann::json::array({{{"cluster", "prod-us"}, {"namespace", "payments"}}}));
  CHECK(absl::StrContains(Fails({"scope", "update", "team-a", "--remove-cluster", "nope"}, 2).err,
                          "NOT_FOUND: access scope team-a has no cluster \"nope\""));

  CliResult in_use = Fails({"scope", "delete", "team-a"}, 2);
  CHECK(absl::StartsWith(in_use.err, "wardenctl: FAILED_PRECONDITION: "));
  CHECK(absl::StrContains(in_use.err, "Team A reader"));
  Ok({"role", "update", "Team A reader", "--scope", "Unrestricted"});
  CHECK(absl::StartsWith(Ok({"scope", "delete", "team-a"}).out, "Deleted access scope team-a ("));
  CHECK(Json(Ok({"scope", "list", "-o", "json"}))["accessScopes"].size() == 3);
}

}  // namespace
}  // namespace warden::testing
