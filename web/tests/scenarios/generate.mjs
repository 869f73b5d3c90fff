// Generate a token: name, one role, the default expiry; copy it; see the warning; close the
// dialog; the token is nowhere on the page any more and the dialog cannot bring it back.
import assert from "node:assert/strict";
import { signIn, tokenRow } from "../steps.mjs";

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  await page.getByRole("button", { name: "Generate token" }).click();
  const dialog = page.getByRole("dialog", { name: "Generate token" });
  await dialog.getByLabel("Name", { exact: true }).fill(input.name);
  // The server's lifetimes are shown, and the expiration defaults to its default.
  await dialog.getByText(/Default: 365 days from now; at most 365 days/).waitFor();
  await dialog.getByRole("checkbox", { name: input.role, exact: true }).check();
  // Admin may grant Admin: the list offers every role.
  assert.equal(await dialog.getByRole("checkbox", { name: "Admin", exact: true }).count(), 1);
  await dialog.getByRole("button", { name: "Generate" }).click();

  const shown = dialog.getByLabel("Token", { exact: true });
  await shown.waitFor();
  const token = await shown.inputValue();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, "a JWT is shown");
  await dialog.getByText("You will not be able to view it again.").waitFor();
  await dialog.getByRole("button", { name: "Copy" }).click();
  await dialog.getByText("Copied").waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, token);
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "hidden" });

  // The new token is listed; its string is gone from the page and its storage.
  await tokenRow(page, input.name).waitFor();
  const html = await page.content();
  assert.ok(!html.includes(token), "the token is still in the page");
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
  assert.ok(!stored.includes(token), "the token was stored");
  // Opening the dialog again offers a new token, not the old one.
  await page.getByRole("button", { name: "Generate token" }).click();
  await dialog.getByLabel("Name", { exact: true }).waitFor();
  assert.equal(await dialog.getByLabel("Token", { exact: true }).count(), 0);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  return { copied };
}
