// Deleting a permission set a role still uses is refused with the server's words (which
// name the role); after the role is deleted, the set goes too.
import assert from "node:assert/strict";
import { open, signIn } from "../steps.mjs";

async function openSet(page, name) {
  await open(page, "Permission sets");
  await page.getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { name, exact: true }).waitFor();
}

async function confirmDelete(page, title) {
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: title });
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  return dialog;
}

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  await openSet(page, input.set);
  const refused = await confirmDelete(page, `Delete permission set ${input.set}?`);
  const alert = refused.getByRole("alert");
  await alert.waitFor();
  const inUse = (await alert.innerText()).trim();
  assert.ok(inUse.includes(input.role), `the refusal names the role: ${inUse}`);
  await refused.getByRole("button", { name: "Cancel" }).click();

  await open(page, "Roles");
  await page.getByRole("link", { name: input.role, exact: true }).click();
  await page.getByRole("heading", { name: input.role, exact: true }).waitFor();
  await confirmDelete(page, `Delete role ${input.role}?`);
  await page.getByRole("heading", { name: "Roles", exact: true }).waitFor();
  assert.equal(await page.getByRole("link", { name: input.role, exact: true }).count(), 0);

  await openSet(page, input.set);
  await confirmDelete(page, `Delete permission set ${input.set}?`);
  await page.getByRole("heading", { name: "Permission sets", exact: true }).waitFor();
  return { in_use: inUse };
}
