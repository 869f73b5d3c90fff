// The session's hour runs out while the page sits idle on Who am I: the console's own timer
// (the browser's clock, moved on by Playwright rather than waited for) sends the person to
// sign-in without any call being refused first.
import { open, signIn } from "../steps.mjs";

export async function run({ page, url, password }) {
  await page.clock.install();
  await signIn(page, url, password);
  await open(page, "Who am I");
  await page.clock.fastForward("01:00:01");
  const notice = page.getByText("Your session has expired. Sign in again.");
  await notice.waitFor();
  return { notice: (await notice.innerText()).trim(), at: new URL(page.url()).hash };
}
