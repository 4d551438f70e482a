/**
 * The runs list (search by input text, live status without reload) and the generated Start run
 * form's inline validation (client checks, then the server's per-field issues).
 */
import { expect, test } from "@playwright/test";
import { admin, bearer, bigShipment, pendingApprovalOf, signedInPage, startFreightRunByApi, unique, WorkflowPage } from "./pages/console";

test("the runs list finds a run by input text and updates its status without a reload", async ({ browser, request }) => {
  const customer = `Listed Co ${unique()}`;
  const runId = await startFreightRunByApi(request, bigShipment(customer));
  const page = await signedInPage(browser);
  await page.goto("/runs");
  await page.getByLabel("Search").fill(customer);
  await page.getByLabel("Search").press("Enter");
  await expect(page).toHaveURL(/[?&]q=/);
  const row = page.locator(`tr[data-run-id="${runId}"]`);
  await expect(row).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "waiting");
  await page.evaluate(() => ((window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true));

  const approval = await pendingApprovalOf(request, runId);
  const decided = await request.post(`/api/v1/approvals/${approval.id}/decision`, { headers: bearer(admin.apiKey), data: { decision: "approve" } });
  expect(decided.status()).toBe(200);
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "succeeded");
  expect(await page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload)).toBe(true);

  // The run id works as a search term too.
  await page.getByLabel("Search").fill(runId);
  await page.getByLabel("Search").press("Enter");
  await expect(page.locator(`tr[data-run-id="${runId}"]`)).toBeVisible();
});

test("the Start run form checks fields inline, then shows the server's per-field messages", async ({ browser }) => {
  const page = await signedInPage(browser);
  const workflow = new WorkflowPage(page);
  await workflow.open("freight-quote");
  const form = workflow.form;

  await form.getByRole("button", { name: "Start run" }).click();
  await expect(form.getByText("Customer is required.")).toBeVisible();
  await expect(form.getByLabel("Customer")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/workflows\/freight-quote/);

  await form.getByLabel("Customer").fill("Form Co");
  await form.getByLabel("Email").fill("not-an-email");
  await form.getByLabel("Lane").fill("Rotterdam → Chicago");
  await form.getByLabel("Weight kg").fill("heavy");
  await form.getByRole("button", { name: "Start run" }).click();
  await expect(form.getByText("Enter a number.")).toBeVisible();

  // Numbers pass the browser's checks; the email is judged by the workflow's own schema on the server.
  await form.getByLabel("Weight kg").fill("1200");
  await form.getByRole("button", { name: "Start run" }).click();
  await expect(form.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#start-email-error")).toBeVisible();
  await expect(form.getByLabel("Customer")).toHaveValue("Form Co");
  await expect(page).toHaveURL(/\/workflows\/freight-quote/);
});
