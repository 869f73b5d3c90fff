// A callback this tab did not start is refused without asking the server: first with no
// pending sign-in at all (a forged link), then with a pending one whose state differs (a
// code injected into someone else's sign-in). CompleteSignIn is never called, the code
// leaves the URL, and no session is kept.
// Input: none.
import assert from "node:assert/strict";
import { assertNoCodeInUrl, pendingSignInKey, sessionKey, stored } from "../steps.mjs";

const refusalText = "This sign-in was not started here, or it was already used. Start again.";

export async function run({ page, url }) {
  const completions = [];
  page.on("request", (r) => {
    if (r.url().includes("/warden.v1.AuthProviderService/CompleteSignIn")) completions.push(r.url());
  });
  const refusal = page.getByRole("alert").filter({ hasText: refusalText });

  // 1. No pending sign-in.
  await page.goto(url + "/auth/callback?code=x&state=forged");
  await refusal.waitFor();
  assertNoCodeInUrl(page);
  await page.getByRole("link", { name: "Back to sign-in" }).waitFor();

  // 2. A pending sign-in with another state: refused, and the pending entry is dropped.
  await page.evaluate((k) => window.sessionStorage.setItem(k, JSON.stringify(
    { state: "the-real-state", codeVerifier: "verifier", provider: "corp", next: "" })),
    pendingSignInKey);
  await page.goto(url + "/auth/callback?code=y&state=forged");
  await refusal.waitFor();
  assertNoCodeInUrl(page);
  assert.equal(await stored(page, pendingSignInKey), null, "the pending sign-in was kept");

  // 3. Reloading the callback route (now without a code) is refused the same way.
  await page.reload();
  await refusal.waitFor();

  assert.equal(await stored(page, sessionKey), null, "a session was kept");
  assert.deepEqual(completions, [], "CompleteSignIn was called");
  return { refusal: refusalText, complete_sign_in_calls: completions.length };
}
