// A person whose claims match no rule (and the provider has no minimum role) signs in at the
// provider: Warden refuses (PERMISSION_DENIED), the console says so in plain words with the
// way back to sign-in, and keeps no session.
// Input: providerName, email, password; expectMessage (optional: text the refusal contains,
// such as the server's own message).
import assert from "node:assert/strict";
import {
  assertNoCodeInUrl, pendingSignInKey, sessionKey, signInThroughProvider, stored,
} from "../steps.mjs";

export async function run({ page, url, input }) {
  const { providerName, email, password, expectMessage } = input;
  await signInThroughProvider(page, url, providerName, email, password);
  const refusal = page.getByRole("main").getByRole("alert")
    .filter({ hasText: `Warden refused the sign-in through ${providerName}` });
  await refusal.waitFor();
  const message = (await refusal.innerText()).trim();
  if (expectMessage) assert.ok(message.includes(expectMessage), `the refusal: ${message}`);
  assertNoCodeInUrl(page);
  await page.getByRole("link", { name: "Back to sign-in" }).waitFor();
  assert.equal(await stored(page, sessionKey), null, "a session was kept");
  assert.equal(await stored(page, pendingSignInKey), null, "the pending sign-in was kept");
  assert.equal(await page.getByRole("button", { name: "Sign out" }).count(), 0);
  // The way back works, and still no session.
  await page.getByRole("link", { name: "Back to sign-in" }).click();
  await page.getByRole("button", { name: `Sign in with ${providerName}`, exact: true }).waitFor();
  return { message };
}
