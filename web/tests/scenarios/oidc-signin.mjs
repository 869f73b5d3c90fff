// A person signs in through an auth provider: "Sign in with <provider>", the provider's own
// login page, back on the console signed in as themselves; the header names them and their
// provider, the Generate dialog offers only the roles they may grant, and Sign out ends the
// session with AuthService.SignOut.
// Input: providerName, email, password, expectName; expectRoles (optional: exactly the
// roles the Generate dialog must offer; omit for a person who may not generate tokens).
import assert from "node:assert/strict";
import {
  assertNoCodeInUrl, pendingSignInKey, sessionKey, signInThroughProvider, stored,
} from "../steps.mjs";

export async function run({ page, url, input }) {
  const { providerName, email, password, expectName, expectRoles } = input;
  const calls = [];
  page.on("request", (r) => {
    const m = /\/warden\.v1\.(\w+\/\w+)$/.exec(new URL(r.url()).pathname);
    if (m) calls.push(m[1]);
  });

  await signInThroughProvider(page, url, providerName, email, password);
  await page.getByRole("heading", { name: "Tokens", exact: true }).waitFor();
  assertNoCodeInUrl(page);
  const header = `${expectName} (${providerName})`;
  await page.getByRole("banner").getByText(header, { exact: true }).waitFor();

  // The session is kept as the admin's is, and the pending sign-in is gone.
  const session = JSON.parse(await stored(page, sessionKey));
  assert.equal(session.person?.name, expectName);
  assert.equal(session.person?.provider, providerName);
  assert.ok(session.token && session.id, "the session has a token and its id");
  assert.equal(await stored(page, pendingSignInKey), null, "the pending sign-in was kept");
  assert.equal(calls.filter((c) => c === "AuthProviderService/CompleteSignIn").length, 1);

  let offered = [];
  if (expectRoles) {
    await page.getByRole("button", { name: "Generate token" }).click();
    const dialog = page.getByRole("dialog", { name: "Generate token" });
    const roles = dialog.getByRole("group", { name: "Roles" }).getByRole("checkbox");
    await roles.first().waitFor();
    offered = await roles.evaluateAll((boxes) => boxes.map((b) => b.labels?.[0]?.textContent?.trim() ?? ""));
    assert.deepEqual([...offered].sort(), [...expectRoles].sort(), "the roles offered");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
  }

  const signingOut = page.waitForRequest("**/warden.v1.AuthService/SignOut");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  const request = await signingOut;
  assert.equal(request.headers()["authorization"], `Bearer ${session.token}`);
  await page.getByRole("button", { name: `Sign in with ${providerName}`, exact: true }).waitFor();
  await page.waitForFunction((k) => window.sessionStorage.getItem(k) === null, sessionKey);
  assert.ok(!calls.includes("TokenService/RevokeToken"), "a person's session was revoked by id");
  return { header, session_token_id: session.id, offered };
}
