// Add a machine-to-machine configuration: issuer, audience, lifetime, one mapping whose
// expression is checked live against a sample claim value before saving.
import { open, signIn } from "../steps.mjs";

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  await open(page, "Machine-to-machine");
  await page.getByRole("link", { name: "Add configuration" }).click();
  await page.getByLabel("Issuer", { exact: true }).fill(input.issuer);
  await page.getByLabel("Audiences").fill(input.audience);
  await page.getByLabel("Token lifetime").fill("10m");
  const mapping = page.getByRole("group", { name: "Mapping 1" });
  if ((await mapping.count()) === 0) await page.getByRole("button", { name: "Add mapping" }).click();
  await mapping.getByLabel("Claim key").fill("repository");
  await mapping.getByLabel("Value expression").fill("org/.*");
  await mapping.getByLabel("Role", { exact: true }).selectOption({ label: input.role });
  await mapping.getByLabel("Sample claim value").fill("org/repo");
  await mapping.getByText("Matches", { exact: true }).waitFor();
  await mapping.getByLabel("Sample claim value").fill("other/org/repo");
  await mapping.getByText("Does not match", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByRole("heading", { name: input.issuer, exact: true }).waitFor();
  return {};
}
