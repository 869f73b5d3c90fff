// Generate a token with a description: one too long is refused before asking the server, with
// the count; the description then shows under the name in the list (the whole text on hover)
// and in full on the token's page.
// Input: name, role, description.
import assert from "node:assert/strict";
import { detail, openToken, signIn, tokenRow } from "../steps.mjs";

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  await page.getByRole("button", { name: "Generate token" }).click();
  const dialog = page.getByRole("dialog", { name: "Generate token" });
  await dialog.getByLabel("Name", { exact: true }).fill(input.name);
  await dialog.getByRole("checkbox", { name: input.role, exact: true }).check();
  const description = dialog.getByLabel("Description", { exact: true });

  // 1,025 characters: the counter says so and Generate is refused in plain words.
  await description.fill("x".repeat(1025));
  await dialog.getByText("1,025 of 1,024 characters.").waitFor();
  await dialog.getByRole("button", { name: "Generate" }).click();
  const tooLong = (await dialog.getByRole("alert").innerText()).trim();
  assert.equal(await dialog.getByLabel("Token", { exact: true }).count(), 0, "a token was shown");

  await description.fill(input.description);
  await dialog.getByRole("button", { name: "Generate" }).click();
  await dialog.getByText("You will not be able to view it again.").waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "hidden" });

  const shown = tokenRow(page, input.name).getByText(input.description, { exact: true });
  await shown.waitFor();
  const listTitle = await shown.getAttribute("title");
  // Searching finds it by its description too.
  await page.getByLabel("Search by name or description").fill(input.description.slice(-12));
  await tokenRow(page, input.name).waitFor();

  await openToken(page, input.name);
  const details = (await detail(page, "Description").innerText()).trim();
  return { too_long: tooLong, list_title: listTitle, details_description: details };
}
