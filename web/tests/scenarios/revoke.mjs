// Revoke a token from the list, through the confirmation that names it; with input.cascade,
// also every token minted with it. The page then says how many tokens were revoked.
// Input: name; cascade (optional); gone (optional: other tokens' names that leave the list too).
import assert from "node:assert/strict";
import { signIn, statusText, tokenRow } from "../steps.mjs";

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  for (const name of input.gone ?? []) await tokenRow(page, name).waitFor();
  const row = tokenRow(page, input.name);
  await row.getByRole("button", { name: "Revoke" }).click();
  const confirm = page.getByRole("dialog", { name: `Revoke token ${input.name}?` });
  await confirm.waitFor();
  const cascade = confirm.getByRole("checkbox", { name: "Also revoke every token minted with this token" });
  assert.equal(await cascade.isChecked(), false, "cascade is on by default");
  if (input.cascade) await cascade.check();
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await confirm.waitFor({ state: "hidden" });
  const notice = (await statusText(page, "Revoked").innerText()).trim();
  // Live tokens are listed by default: the revoked one leaves the list; under "Revoked" it
  // is there, marked so.
  await row.waitFor({ state: "detached" });
  for (const name of input.gone ?? []) await tokenRow(page, name).waitFor({ state: "detached" });
  await page.getByLabel("Status", { exact: true }).selectOption({ label: "Revoked" });
  await tokenRow(page, input.name).getByText("Revoked", { exact: true }).waitFor();
  assert.equal(await tokenRow(page, input.name).getByRole("button", { name: "Revoke" }).count(), 0);
  return { notice };
}
