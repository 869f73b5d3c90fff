// What the scenarios do again and again, the way a person does it: by role, label and
// visible text.
import assert from "node:assert/strict";

// Opens the console and signs in with the admin password; waits for the Tokens page.
export async function signIn(page, url, password) {
  await page.goto(url + "/");
  await page.getByLabel("Admin password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Tokens", exact: true }).waitFor();
}

// Opens the console and signs in with an API token.
export async function signInWithToken(page, url, token) {
  await page.goto(url + "/");
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in with token" }).click();
  await page.getByRole("heading", { name: "Tokens", exact: true }).waitFor();
}

// Follows a link of the main navigation and waits for the page's heading.
export async function open(page, link, heading = link) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link, exact: true }).click();
  await page.getByRole("heading", { name: heading, exact: true }).waitFor();
}

// The row of the tokens table whose name cell is `name` (not one whose creator is named so).
export function tokenRow(page, name) {
  return page.getByRole("table", { name: "Tokens" }).getByRole("row")
    .filter({ has: page.getByRole("rowheader").getByRole("link", { name, exact: true }) });
}

// The names in the tokens table, in its order.
export async function tokenNames(page) {
  return page.getByRole("table", { name: "Tokens" }).getByRole("rowheader").getByRole("link")
    .allInnerTexts();
}

// From the tokens list, opens the details of the token named `name`.
export async function openToken(page, name) {
  await tokenRow(page, name).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { name, exact: true }).waitFor();
}

// The value of a details page's field (<dt>`term`</dt><dd>…</dd>).
export function detail(page, term) {
  return page.getByRole("term").filter({ hasText: new RegExp(`^${term}$`) })
    .locator("xpath=following-sibling::dd[1]");
}

// The status message that starts with `start` (a page's own, not the list's count).
export function statusText(page, start) {
  return page.getByRole("status").filter({ hasText: new RegExp(`^${start}`) });
}

// Fails unless `locator` holds no element.
export async function assertNone(locator, what) {
  assert.equal(await locator.count(), 0, what);
}

// What the console keeps in the tab's sessionStorage: the session, and a sign-in started
// with an auth provider and not yet completed.
export const sessionKey = "warden.console.session";
export const pendingSignInKey = "warden.console.signin";

export async function stored(page, key) {
  return page.evaluate((k) => window.sessionStorage.getItem(k), key);
}

// From the console's sign-in page: "Sign in with <provider>", then the provider's own login
// page (tests/oidc/README.md, "The pages"). Returns once the provider has been left.
export async function signInThroughProvider(page, url, provider, email, password) {
  await page.goto(url + "/");
  await page.getByRole("button", { name: `Sign in with ${provider}`, exact: true }).click();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // Back on the console, which moves /auth/callback?code=... to #/auth/callback at once.
  await page.waitForURL((u) => u.origin === new URL(url).origin && u.hash !== "");
}

// Fails unless the page's URL (and so the history entry) carries no code or state.
export function assertNoCodeInUrl(page) {
  const u = new URL(page.url());
  assert.equal(u.search, "", `the URL still has a query: ${page.url()}`);
  assert.ok(!/code=|state=/.test(u.hash), `the URL still has the code: ${page.url()}`);
}
