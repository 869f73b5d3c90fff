// The seed's in-portal notice: a banner when tokens expire within the notifier's window,
// and on each such row a badge with the days left, rounded up.
import { signIn, tokenRow } from "../steps.mjs";

async function badge(page, name) {
  const found = tokenRow(page, name).getByText(/^Expires in less than/);
  return (await found.count()) ? (await found.innerText()).trim() : "";
}

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  const banner = page.getByText(/^\d+ tokens? expires? in less than/);
  await banner.waitFor();
  await tokenRow(page, input.soon).waitFor();
  await tokenRow(page, input.later).waitFor();
  return {
    banner: (await banner.innerText()).trim(),
    soon_badge: await badge(page, input.soon),
    later_badge: await badge(page, input.later),
  };
}
