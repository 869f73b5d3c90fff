// Only one creator's tokens: a row's "Created by" link filters the list by that creator, the
// filter is in the URL (a reload, as a bookmark would, keeps it) and says so above the list;
// "Revoke everything this identity created…" says what it will do and does it; removing the
// filter shows everyone's tokens again.
// Input: child (a token minted by the creator), creator (the creator's name), other (a token
// someone else created).
import assert from "node:assert/strict";
import { signIn, statusText, tokenNames, tokenRow } from "../steps.mjs";

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  await tokenRow(page, input.other).waitFor();
  await tokenRow(page, input.child).getByRole("link", { name: input.creator, exact: true }).click();
  const filter = page.getByRole("group", { name: "Creator filter" });
  await filter.getByText(`Only tokens created by ${input.creator}`).waitFor();
  await tokenRow(page, input.other).waitFor({ state: "detached" });
  const hash = new URL(page.url()).hash;
  const shown = (await tokenNames(page)).sort();

  await page.reload();
  await filter.waitFor();
  await tokenRow(page, input.child).waitFor();
  const afterReload = (await tokenNames(page)).sort();

  await filter.getByRole("button", { name: "Revoke everything this identity created…" }).click();
  const confirm = page.getByRole("dialog", { name: `Revoke every token ${input.creator} created?` });
  const says = confirm.getByText(/live tokens? that/);
  await says.waitFor();
  const dialogText = (await says.innerText()).trim();
  await confirm.getByRole("button", { name: "Revoke all" }).click();
  await confirm.waitFor({ state: "hidden" });
  const notice = (await statusText(page, "Revoked").innerText()).trim();
  await page.getByText("No tokens match these filters.").waitFor();

  await filter.getByRole("link", { name: "Show everyone's tokens" }).click();
  await tokenRow(page, input.other).waitFor();
  await filter.waitFor({ state: "detached" });
  assert.equal(await tokenRow(page, input.child).count(), 0, "a revoked token is listed as live");
  return {
    hash,
    shown,
    after_reload: afterReload,
    dialog_text: dialogText,
    notice,
    hash_after: new URL(page.url()).hash,
  };
}
