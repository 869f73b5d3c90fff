// Rotate a token from its page: the dialog explains, offers the overlap (24 hours unless
// input.overlap names another choice), shows the successor's token once and until when the old
// one works; the links between the two tokens lead from one to the other, and the old token
// can no longer be rotated, which its page says.
// Input: name; overlap (optional: the label of an overlap choice).
// Reports the successor's token, its id, and the old token's end as the dialog and the old
// token's page show it (ISO times).
import assert from "node:assert/strict";
import { detail, openToken, signIn } from "../steps.mjs";

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  await openToken(page, input.name);
  const oldUrl = page.url();
  await page.getByRole("button", { name: "Rotate", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Rotate token ${input.name}` });
  await dialog.getByText("without an outage").waitFor();
  assert.ok(await dialog.getByRole("radio", { name: "24 hours (default)" }).isChecked(),
            "24 hours is not the default");
  if (input.overlap) await dialog.getByRole("radio", { name: input.overlap, exact: true }).check();
  await dialog.getByRole("button", { name: "Rotate", exact: true }).click();

  const shown = dialog.getByLabel("Token", { exact: true });
  await shown.waitFor();
  const token = await shown.inputValue();
  await dialog.getByText("You will not be able to view it again.").waitFor();
  // "Token x was rotated. Its successor expires <time>. The old token keeps working until
  // <time>, then Warden refuses it." (or "The old token no longer works.")
  const said = dialog.getByText(/was rotated\./);
  const dialogText = (await said.innerText()).trim();
  const oldUntil = dialogText.includes("keeps working until")
    ? await said.locator("time").last().getAttribute("datetime") : "";

  // The successor, then back to the old token through "Rotated from".
  await dialog.getByRole("link", { name: "successor" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("heading", { name: input.name, exact: true }).waitFor();
  const successorId = new URL(page.url()).hash.replace("#/tokens/", "");
  const html = await page.content();
  assert.ok(!html.includes(token), "the token is still in the page");
  await detail(page, "Rotated from").getByRole("link").click();
  await page.waitForURL(oldUrl);
  await detail(page, "Rotated to").getByRole("link", { name: successorId }).waitFor();
  const oldExpires = await detail(page, "Expires").locator("time").getAttribute("datetime");
  const rotate = page.getByRole("button", { name: "Rotate", exact: true });
  const blocked = (await page.getByText(/rotated already/).innerText()).trim();
  return {
    token,
    successor_id: successorId,
    dialog_text: dialogText,
    old_until: oldUntil,
    old_expires_shown: oldExpires,
    rotate_disabled: await rotate.isDisabled(),
    blocked,
  };
}
