/**
 * Operator and admin actions from the console: cancel a run, create and revoke an API key (shown
 * once), add a user and change their role. Each lands in the audit log.
 */
import { expect, test } from "@playwright/test";
import { admin, bearer, bigShipment, RunPage, signedInPage, startFreightRunByApi, unique } from "./pages/console";

test("Cancel run stops a waiting run and the audit log records it", async ({ browser, request }) => {
  const runId = await startFreightRunByApi(request, bigShipment(`Cancel Co ${unique()}`));
  const page = await signedInPage(browser);
  const run = new RunPage(page);
  await run.open(runId);
  await run.expectStepStatus("approve-quote", "waiting");
  await page.getByRole("button", { name: "Cancel run" }).click();
  await page.getByRole("button", { name: "Yes, cancel it" }).click();
  await run.expectRunStatus("cancelled");
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);

  await page.goto("/audit?action=run.cancel");
  await expect(page.getByRole("row").filter({ hasText: runId })).toContainText(admin.email);
});

test("an admin creates an API key (shown once) and revokes it; adds a user and changes their role", async ({ browser, request }) => {
  const page = await signedInPage(browser);
  await page.goto("/admin");
  const name = `ci key ${unique()}`;
  const keyForm = page.getByRole("form", { name: "Create an API key" });
  await keyForm.getByLabel("Name").fill(name);
  await keyForm.getByLabel("Role").selectOption("viewer");
  await keyForm.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByRole("status").locator("code");
  await expect(shown).toBeVisible();
  await expect(page.getByRole("button", { name: "Copy key" })).toBeVisible();
  const key = (await shown.textContent())!.trim();
  expect((await request.get("/api/v1/workflows", { headers: bearer(key) })).status()).toBe(200);

  // Shown once: after a reload only its prefix is listed.
  await page.reload();
  await expect(page.getByText(key)).toHaveCount(0);
  const row = page.locator(`tr[data-key-name="${name}"]`);
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(row).toContainText("revoked");
  expect((await request.get("/api/v1/workflows", { headers: bearer(key) })).status()).toBe(401);

  const email = `ops-${unique()}@e2e.test`;
  const userForm = page.getByRole("form", { name: "Add a user" });
  await userForm.getByLabel("Email").fill(email);
  await userForm.getByLabel("Initial password").fill("a-long-password");
  await userForm.getByLabel("Role").selectOption("operator");
  await userForm.getByRole("button", { name: "Add user" }).click();
  await expect(userForm.getByRole("status")).toContainText(`Created ${email} as operator`);
  const userRow = page.locator(`tr[data-user-email="${email}"]`);
  await expect(userRow).toBeVisible();
  await userRow.getByRole("combobox", { name: `Role of ${email}` }).selectOption("approver");
  await userRow.getByRole("button", { name: "Save role" }).click();
  // Wait for the server action's answer, not just the select's local value, before reloading.
  await expect(userRow.getByRole("status")).toHaveText("Saved");
  await page.reload();
  await expect(page.locator(`tr[data-user-email="${email}"]`).getByRole("combobox", { name: `Role of ${email}` })).toHaveValue("approver");
});
