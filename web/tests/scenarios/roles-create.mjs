// A custom permission set made with the resource × access matrix, a role that uses it, and
// an edit of the set: Image from Read to Read-write.
import { open, signIn } from "../steps.mjs";

export async function run({ page, url, password, input }) {
  await signIn(page, url, password);
  await open(page, "Permission sets");
  await page.getByRole("link", { name: "Create permission set" }).click();
  await page.getByLabel("Name", { exact: true }).fill(input.set);
  await page.getByLabel("Description", { exact: true }).fill("What the pipeline needs");
  await page.getByRole("radio", { name: "Detection: Read", exact: true }).check();
  await page.getByRole("radio", { name: "Image: Read", exact: true }).check();
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("heading", { name: input.set, exact: true }).waitFor();

  await open(page, "Roles");
  await page.getByRole("button", { name: "Create role" }).click();
  const dialog = page.getByRole("dialog", { name: "Create role" });
  await dialog.getByLabel("Name", { exact: true }).fill(input.role);
  await dialog.getByLabel("Permission set").selectOption({ label: input.set });
  await dialog.getByLabel("Access scope").selectOption({ label: "Unrestricted" });
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByRole("heading", { name: input.role, exact: true }).waitFor();

  // Edit the set through the matrix.
  await page.getByRole("link", { name: "View the permission set" }).click();
  await page.getByRole("heading", { name: input.set, exact: true }).waitFor();
  await page.getByRole("radio", { name: "Image: Read-write", exact: true }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("status").getByText("Saved.").waitFor();
  return {};
}
