// Every page of the console, at 1280×800 and on a 390-px-wide phone, into input.dir
// (docs/console/ when run by scripts/console-screenshots). Reports the pages it took.
import { signIn, open, openToken, tokenRow } from "../steps.mjs";

const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

export async function run({ page, url, password, input }) {
  const pages = [];
  const shoot = async (name) => {
    for (const [suffix, size] of [["", desktop], ["-phone", phone]]) {
      await page.setViewportSize(size);
      await page.screenshot({ path: `${input.dir}/${name}${suffix}.png`, fullPage: suffix === "" });
    }
    await page.setViewportSize(desktop);
    pages.push(name);
  };
  await page.goto(url + "/");
  await page.getByLabel("Admin password").waitFor();
  await shoot("sign-in");
  await signIn(page, url, password);
  await page.getByRole("table", { name: "Tokens" }).waitFor();
  await shoot("tokens");
  await page.getByRole("button", { name: "Generate token" }).click();
  const dialog = page.getByRole("dialog", { name: "Generate token" });
  await dialog.getByLabel("Name", { exact: true }).fill("release pipeline");
  await dialog.getByLabel("Description", { exact: true }).fill("Builds and pushes the release images");
  await dialog.getByRole("checkbox", { name: "Continuous Integration", exact: true }).check();
  await shoot("generate-token");
  await dialog.getByRole("button", { name: "Generate" }).click();
  await dialog.getByText("You will not be able to view it again.").waitFor();
  await shoot("token-shown-once");
  await dialog.getByRole("button", { name: "Close" }).click();
  await openToken(page, "grafana");
  await shoot("token-details");
  await page.getByRole("button", { name: "Rotate", exact: true }).click();
  await page.getByRole("dialog", { name: "Rotate token grafana" }).waitFor();
  await shoot("rotate");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: "Revoke token grafana?" }).waitFor();
  await shoot("revoke");
  await page.getByRole("button", { name: "Cancel" }).click();
  await open(page, "Tokens");
  await tokenRow(page, "grafana").getByRole("link", { name: "admin", exact: true }).click();
  await page.getByRole("group", { name: "Creator filter" }).waitFor();
  await shoot("tokens-by-creator");
  await tokenRow(page, "nightly export").getByRole("button", { name: "Rotate" }).click();
  const rotate = page.getByRole("dialog", { name: "Rotate token nightly export" });
  await rotate.getByRole("button", { name: "Rotate", exact: true }).click();
  await rotate.getByText("You will not be able to view it again.").waitFor();
  await shoot("token-rotated");
  await rotate.getByRole("button", { name: "Close" }).click();
  await open(page, "Roles");
  await shoot("roles");
  await page.getByRole("link", { name: "Analyst", exact: true }).first().click();
  await page.getByRole("heading", { name: "Analyst", exact: true }).waitFor();
  await shoot("role-details");
  await open(page, "Permission sets");
  await shoot("permission-sets");
  await page.getByRole("link", { name: "Create permission set" }).click();
  await page.getByRole("radio", { name: "Integration: Read-write", exact: true }).waitFor();
  await shoot("permission-set-matrix");
  await open(page, "Access scopes");
  await shoot("access-scopes");
  await open(page, "Machine-to-machine");
  await shoot("m2m");
  await page.getByRole("link", { name: "Add configuration" }).click();
  await page.getByLabel("Issuer", { exact: true }).waitFor();
  await shoot("m2m-add");
  await open(page, "Auth providers");
  await shoot("auth-providers");
  await page.getByRole("link", { name: "Add provider" }).click();
  await page.getByLabel("Client secret file", { exact: true }).waitFor();
  await shoot("auth-provider-add");
  await open(page, "Who am I");
  await shoot("who-am-i");
  return { pages };
}
