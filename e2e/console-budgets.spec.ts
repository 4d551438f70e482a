/**
 * Admin › Budgets in Chromium: an admin adds a workflow's daily budget from the form, sees the
 * demo run's spend appear on it without reloading, changes it, sets the alert webhook (its secret
 * shown once) and deletes the budget. A viewer sees the budgets but no forms. Screenshots at
 * 1280 and 390 wide, light and dark, into test-results/screenshots/.
 */
import { expect, test } from "@playwright/test";
import { admin, baseURL, bearer, LoginPage, signedInPage, startFreightRunByApi, unique } from "./pages/console";

const OUT = "test-results/screenshots";

test("an admin sets a workflow's daily budget, watches its spend go up, and sets the alert webhook", async ({ browser, request }) => {
  const page = await signedInPage(browser);
  await page.goto("/admin/budgets");
  await expect(page.getByText("No workflow or global budgets yet")).toBeVisible();

  // Bad input: a negative limit is refused with the field named.
  const form = page.getByRole("form", { name: "Add a budget" });
  await form.getByLabel("Applies to").selectOption("workflow-day");
  await form.getByLabel("Workflow").selectOption("freight-quote");
  await form.getByLabel("Alert at (% of the limit)").fill("80, 150");
  await form.getByLabel("Limit (USD)").fill("5");
  await form.getByRole("button", { name: "Save budget" }).click();
  await expect(form.getByText("Alert thresholds are percentages above 0 and at most 100")).toBeVisible();

  await form.getByLabel("Alert at (% of the limit)").fill("80");
  await form.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created budget workflow-day:freight-quote" })).toBeVisible();
  const row = page.locator('tr[data-budget-id="workflow-day:freight-quote"]');
  await expect(row).toContainText("$0.00 of $5.00");

  // A demo run spends on today's ledger: the row follows without a reload.
  await startFreightRunByApi(request, { customer: `Budget Co ${unique()}`, email: "ops@example.com", lane: "Hamburg → Newark", weightKg: 120 });
  await expect(row).not.toContainText("$0.00 of $5.00", { timeout: 30_000 });

  await row.getByRole("button", { name: "Edit budget workflow-day:freight-quote" }).click();
  const edit = page.getByRole("form", { name: "Change budget workflow-day:freight-quote" });
  await edit.getByLabel("Limit (USD)").fill("7.5");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(row).toContainText("of $7.50");

  const webhook = page.getByRole("form", { name: "Set the alert webhook" });
  await webhook.getByLabel("URL").fill("https://alerts.example.com/hooks/secret-path");
  await webhook.getByRole("button", { name: "Save" }).click();
  const secret = page.getByTestId("alert-secret");
  await expect(secret).toHaveText(/^whsec_/);
  const shown = (await secret.textContent())!;
  await page.reload();
  await expect(page.getByText(shown)).toHaveCount(0);
  await expect(page.getByText("https://alerts.example.com/…")).toBeVisible();
  await expect(page.getByText("secret-path")).toHaveCount(0);

  for (const colorScheme of ["light", "dark"] as const) {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ baseURL, viewport: { width, height: 900 }, colorScheme });
      const shot = await context.newPage();
      await new LoginPage(shot).signIn(admin.email, admin.password, "/admin/budgets");
      await expect(shot.getByRole("heading", { name: "Budgets", level: 1 })).toBeVisible();
      await shot.screenshot({ path: `${OUT}/admin-budgets-${width}-${colorScheme}.png`, fullPage: true });
      await context.close();
    }
  }

  // A viewer reads the budgets but gets no forms.
  const viewerEmail = `viewer-${unique()}@e2e.test`;
  const created = await request.post("/api/v1/admin/users", { headers: bearer(admin.apiKey), data: { email: viewerEmail, password: "viewer-password-1", role: "viewer" } });
  expect(created.status(), await created.text()).toBe(201);
  const viewer = await signedInPage(browser, viewerEmail, "viewer-password-1");
  await viewer.goto("/admin/budgets");
  await expect(viewer.locator('tr[data-budget-id="workflow-day:freight-quote"]')).toBeVisible();
  await expect(viewer.getByText("Changing budgets needs the admin role")).toBeVisible();
  await expect(viewer.getByRole("form")).toHaveCount(0);

  await row.getByRole("button", { name: "Delete budget workflow-day:freight-quote" }).click();
  await expect(page.getByText("No workflow or global budgets yet")).toBeVisible();
});
