// Revoke a token from the list, through the confirmation that names it.
import assert from "node:assert/strict";
import { signIn, tokenRow } from "../steps.mjs";

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  const row = tokenRow(page, input.name);
  await row.getByRole("button", { name: "Revoke" }).click();
  const confirm = page.getByRole("dialog", { name: `Revoke token ${input.name}?` });
  await confirm.waitFor();
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await confirm.waitFor({ state: "hidden" });
  // Live tokens are listed by default: the revoked one leaves the list; under "Revoked" it
  // is there, marked so.
  await row.waitFor({ state: "detached" });
  await page.getByLabel("Status", { exact: true }).selectOption({ label: "Revoked" });
  await tokenRow(page, input.name).getByText("Revoked", { exact: true }).waitFor();
  assert.equal(await tokenRow(page, input.name).getByRole("button", { name: "Revoke" }).count(), 0);
  return {};
}
