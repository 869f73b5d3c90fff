// The console by keyboard alone: sign in with Enter, "Skip to content" is the first stop,
// a link followed with Enter moves focus into the new page, and a dialog opens and closes
// with the keyboard.
import assert from "node:assert/strict";

const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return e ? `${e.tagName.toLowerCase()}:${(e.getAttribute("aria-label") ?? e.textContent ?? "").trim().slice(0, 40)}` : "";
});

export async function run({ page, url, password }) {
  await page.goto(url + "/");
  // The password field has the focus on arrival.
  await page.waitForFunction(() => document.activeElement?.id === "admin-password");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Tokens", exact: true }).waitFor();

  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "button:Skip to content");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "a:Warden");
  // Along the navigation to "Roles", then Enter.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "a:Roles");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Roles", exact: true }).waitFor();
  // Focus moves into the new page (right after it renders; a timeout fails the scenario).
  await page.waitForFunction(() => document.activeElement?.tagName === "MAIN", null,
                             { timeout: 5000 });
  const afterNavigation = await page.evaluate(() => document.activeElement?.tagName.toLowerCase());

  // Once the roles are loaded (until then "Create role" is disabled), the next Tab reaches
  // the page's own first control.
  await page.waitForFunction(() =>
    [...document.querySelectorAll("main button")].some(
      (b) => b.textContent === "Create role" && !b.disabled));
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "button:Create role");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Create role" });
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  return { first_stop: "Skip to content", after_navigation: afterNavigation };
}
