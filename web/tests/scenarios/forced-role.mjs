// Signed in with a token of lesser roles: the generate dialog offers only the roles the
// server allows (never input.role), and forcing input.role into the list (as a tampered
// page would) gets the server's refusal, shown in the dialog in its own words.
import assert from "node:assert/strict";
import { signInWithToken } from "../steps.mjs";

export async function run({ page, url, input }) {
  await signInWithToken(page, url, input.token);
  // Generate is offered only to callers who may mint (input.can_generate says whether this
  // one may): then its role list must not hold input.role.
  const generate = page.getByRole("button", { name: "Generate token" });
  const dialog = page.getByRole("dialog", { name: "Generate token" });
  let offered = false;
  if (input.can_generate) {
    await generate.click();
    await dialog.getByRole("group", { name: "Roles" }).getByRole("checkbox").first().waitFor();
    offered = (await dialog.getByRole("checkbox", { name: input.role, exact: true }).count()) > 0;
    await dialog.getByRole("button", { name: "Cancel" }).click();
  }
  // The tampered page: ListAllowedTokenRoles answers with the forced role added, and the
  // Generate button shows whatever the page believes.
  await page.route("**/warden.v1.TokenService/ListAllowedTokenRoles", async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.roleNames = [...(body.roleNames ?? []), input.role];
    await route.fulfill({ response, json: body });
  });
  await page.route("**/warden.v1.AuthService/GetAuthStatus", async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    if (response.ok()) {
      body.identity.permissions = { ...body.identity.permissions,
        Access: "ACCESS_LEVEL_READ_ACCESS", Integration: "ACCESS_LEVEL_READ_WRITE_ACCESS" };
    }
    await route.fulfill({ response, json: body });
  });
  await page.reload();
  await generate.click();
  await dialog.getByLabel("Name", { exact: true }).fill("forced");
  await dialog.getByRole("checkbox", { name: input.role, exact: true }).check();
  await dialog.getByRole("button", { name: "Generate" }).click();
  const refusal = dialog.getByRole("alert");
  await refusal.waitFor();
  const message = (await refusal.innerText()).trim();
  assert.equal(await dialog.getByLabel("Token", { exact: true }).count(), 0, "a token was shown");
  return { offered_admin: offered, message };
}
