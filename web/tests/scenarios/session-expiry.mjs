// The session ends while the person is on the Roles page (here: its token is revoked, as
// signing out elsewhere or an administrator would): the next call sends them to sign-in,
// which says why, and signing in again brings them back to the Roles page.
import { open, signIn } from "../steps.mjs";

export async function run({ page, url, password }) {
  await signIn(page, url, password);
  await open(page, "Roles");
  // The session token, revoked through the public API with itself.
  await page.evaluate(async () => {
    const session = JSON.parse(sessionStorage.getItem("warden.console.session"));
    const answer = await fetch("/warden.v1.TokenService/RevokeToken", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ id: session.id }),
    });
    if (!answer.ok) throw new Error(`revoke answered ${answer.status}`);
  });
  // The page asks the server again (as it does on any reload or action) and is refused.
  await page.reload();
  const notice = page.getByText("Your session has expired. Sign in again.");
  await notice.waitFor();
  const text = (await notice.innerText()).trim();
  await page.getByLabel("Admin password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Roles", exact: true }).waitFor();
  return { notice: text, returned_to: new URL(page.url()).hash };
}
