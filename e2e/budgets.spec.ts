/**
 * Budgets in Chromium against the real server and worker (issue 6's proof): a run started with a
 * tiny budget pauses; the pause is in the inbox with what was spent of which limit; an approver
 * raises the limit there and the run completes, its timeline showing the pause and the raise. An
 * approver aborts another run at its pause, and `onExceed: "fail"` ends a third with its reason.
 * An admin schedules a new price: the price in force and an earlier run's cost stay as they were.
 * Screenshots (light and dark) of the inbox card, the timeline and the prices page.
 */
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { admin, ApprovalsPage, baseURL, bearer, LoginPage, RunPage, signedInPage, unique } from "./pages/console";

/**
 * gpt-4o-mini's shipped price, as the step detail shows a charge. The demo provider caches a prompt
 * prefix it has seen before (other specs may have sent it), so the cached price shows when it applied.
 */
const AT_SEED_PRICE = /at \$0\.15 in (\/ \$0\.075 cached )?\/ \$0\.6 out per 1M tokens/;

const OUT = "test-results/screenshots";

/** A small freight quote (no approval step) whose LLM call does not fit `budget`. */
async function startOverBudget(request: APIRequestContext, budget: { maxCostUsd: number; onExceed: "pause" | "fail" }, notes?: string): Promise<string> {
  const response = await request.post("/api/v1/runs", {
    headers: bearer(admin.apiKey),
    data: {
      workflow: "freight-quote",
      input: { customer: `Budget Co ${unique()}`, email: "ops@example.com", lane: "Hamburg → Newark", weightKg: 120, ...(notes ? { notes } : {}) },
      budget,
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { run: { id: string } }).run.id;
}

/** The pending budget card of a run in the inbox (its header links the run id). */
function budgetCard(page: Page, runId: string) {
  return page.locator("article[data-approval-id]").filter({ has: page.getByRole("link", { name: runId, exact: true }) });
}

async function runCost(request: APIRequestContext, runId: string) {
  const run = (await (await request.get(`/api/v1/runs/${runId}`, { headers: bearer(admin.apiKey) })).json()).run as { totalCostUsd: number };
  const budget = (await (await request.get(`/api/v1/runs/${runId}/budget`, { headers: bearer(admin.apiKey) })).json()).budget as {
    charges: Array<{ attempt: number; costUsd: number; price: { inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok: number | null } | null }>;
  };
  return { totalCostUsd: run.totalCostUsd, charges: budget.charges };
}

async function shoot(browser: Browser, path: string, name: string, ready: (page: Page) => Promise<void>) {
  for (const [colorScheme, width] of [["light", 1440], ["dark", 1440], ["light", 390]] as const) {
    const context = await browser.newContext({ baseURL, viewport: { width, height: 900 }, colorScheme });
    const page = await context.newPage();
    await new LoginPage(page).signIn(admin.email, admin.password, path);
    await ready(page);
    await page.screenshot({ path: `${OUT}/${name}-${width}-${colorScheme}.png`, fullPage: true });
    await context.close();
  }
}

let raisedRunId = "";

test("a run over its budget pauses into the inbox; raising the limit there lets it complete, and the timeline shows the pause and the raise", async ({ browser, request }) => {
  test.setTimeout(120_000);
  // The demo provider fails the first request carrying this marker: after the raise, one failed attempt, then the call.
  const runId = await startOverBudget(request, { maxCostUsd: 0.0001, onExceed: "pause" }, `Fragile goods [[demo:fail-once:${unique()}]]`);
  const page = await signedInPage(browser);
  await new ApprovalsPage(page).open();

  const card = budgetCard(page, runId);
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(card.getByRole("heading", { level: 3 })).toContainText('LLM step "draft-quote"');
  const facts = card.getByTestId("budget-facts");
  await expect(facts).toContainText("the run's budget");
  await expect(facts).toContainText("draft-quote");
  await expect(facts).toContainText("$0.00 of $0.0001");

  await shoot(browser, "/approvals", "budget-inbox-card", async (shot) => {
    await expect(budgetCard(shot, runId)).toBeVisible();
  });

  // A raise must be a positive amount; the form says so next to the field.
  await card.getByLabel("Raise by").fill("0");
  await card.getByRole("button", { name: "Raise and continue" }).click();
  await expect(card.getByText("Raise by an amount in USD above 0")).toBeVisible();
  await expect(card.getByLabel("Raise by")).toHaveValue("0");

  await card.getByLabel("Raise by").fill("0.05");
  await card.getByLabel("Comment").fill("worth a quote");
  await card.getByRole("button", { name: "Raise and continue" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Raised the budget by $0.05. Run ${runId} continues now.` })).toBeVisible();
  await expect(card).toHaveCount(0);
  await expect(new ApprovalsPage(page).historyRow(runId)).toContainText("continued");

  const run = new RunPage(page);
  await run.open(runId);
  await run.expectRunStatus("succeeded");
  // The pause sits between the steps it held back, with the decision on it.
  await expect
    .poll(async () => page.locator("li[data-row-type='step'], li[data-row-type='budget']").evaluateAll((items) => items.map((li) => `${li.getAttribute("data-row-type")}:${li.getAttribute("data-step-id")}`)))
    .toEqual(["step:fetch-rates", "step:lookup-capacity", "budget:draft-quote", "step:draft-quote", "step:send-email"]);
  const pause = page.locator("li[data-row-type='budget']");
  await expect(pause).toHaveAttribute("data-status", "approved");
  await expect(pause.getByTestId("budget-event")).toContainText("the run's budget");
  await expect(pause.getByTestId("budget-event")).toContainText(`Raised by $0.05 by ${admin.email}`);
  await expect(pause.getByTestId("budget-event")).toContainText("worth a quote");
  await pause.getByRole("button").click();
  const detail = run.stepDetail.getByTestId("budget-detail");
  await expect(detail).toContainText("Raised by $0.05, and the run continued");
  await expect(detail).toContainText("est. $");
  await expect(detail).toContainText(admin.email);

  // The LLM step shows what each attempt was charged, the failed one too, at which price.
  await expect(run.stepRow("draft-quote")).toContainText("2 attempts");
  await expect(page.locator('li[data-step-id="draft-quote"][data-row-type="attempt"]').first().getByTestId("attempt-charge")).toHaveText("charged $0.00");
  await run.selectStep("draft-quote");
  const charges = run.stepDetail.getByTestId("charge");
  await expect(charges).toHaveCount(2);
  await expect(charges.nth(0)).toHaveAttribute("data-status", "failed");
  await expect(charges.nth(0)).toContainText("a failed attempt is charged what it used");
  await expect(charges.nth(1)).toHaveAttribute("data-status", "succeeded");
  await expect(charges.nth(1)).toContainText(AT_SEED_PRICE);

  await shoot(browser, `/runs/${runId}`, "budget-timeline-raised", async (shot) => {
    await expect(shot.locator("[data-run-status]")).toHaveAttribute("data-run-status", "succeeded");
    await shot.locator("li[data-row-type='budget']").getByRole("button").click();
  });
  raisedRunId = runId;
});

test("an approver aborts a run at its budget pause: it fails with a clear reason; onExceed fail ends a run at once", async ({ browser, request }) => {
  const runId = await startOverBudget(request, { maxCostUsd: 0.0001, onExceed: "pause" });
  const page = await signedInPage(browser);
  await new ApprovalsPage(page).open();
  const card = budgetCard(page, runId);
  await expect(card).toBeVisible({ timeout: 30_000 });
  await card.getByLabel("Comment").fill("not this one");
  await card.getByRole("button", { name: "Abort run" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Aborted run ${runId}: it ends as failed (budget exceeded).` })).toBeVisible();
  await expect(new ApprovalsPage(page).historyRow(runId)).toContainText("aborted");

  const run = new RunPage(page);
  await run.open(runId);
  await run.expectRunStatus("failed");
  await expect(page.getByTestId("budget-failure")).toContainText(`The run failed: aborted by ${admin.email}.`);
  await expect(page.getByTestId("budget-failure")).toContainText(`${admin.email} aborted the run at the budget pause.`);
  const pause = page.locator("li[data-row-type='budget']");
  await expect(pause).toHaveAttribute("data-status", "rejected");
  await expect(pause.getByTestId("budget-event")).toContainText(`Aborted by ${admin.email}`);
  await expect(pause.getByTestId("budget-event")).toContainText("not this one");
  await expect(run.stepRow("draft-quote")).toHaveCount(0);

  const failing = await startOverBudget(request, { maxCostUsd: 0.0001, onExceed: "fail" });
  await run.open(failing);
  await run.expectRunStatus("failed");
  await expect(page.getByTestId("budget-failure")).toContainText("The run failed.");
  await expect(page.getByTestId("budget-failure")).toContainText("Raise the run's budget and replay it.");
  await expect(page.locator("li[data-row-type='budget']")).toHaveAttribute("data-status", "failed");
  await expect(page.locator("li[data-row-type='budget']").getByTestId("budget-event")).toContainText('The run failed: Budget exceeded: LLM step "draft-quote"');
  await shoot(browser, `/runs/${failing}`, "budget-timeline-failed", async (shot) => {
    await expect(shot.getByTestId("budget-failure")).toBeVisible();
  });
});

test("an admin schedules a new price: the price in force stays, and an earlier run keeps what it was charged", async ({ browser, request }) => {
  // The earlier run is the first test's (the file runs in order, one worker): without it this fails, never skips.
  expect(raisedRunId, "the run raised in the first test of this file").toBeTruthy();
  const before = await runCost(request, raisedRunId);
  expect(before.charges.map((charge) => charge.attempt)).toEqual([1, 2]);
  expect(before.charges[1]!.price).toEqual({ priceId: "price_seed_gpt-4o-mini", inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, effectiveFrom: "2000-01-01T00:00:00.000Z" });

  const page = await signedInPage(browser);
  await page.goto("/admin/prices");
  await expect(page.getByRole("heading", { name: "Prices", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Prices" })).toHaveAttribute("aria-current", "page");
  const row = page.locator('tr[data-model="gpt-4o-mini"]');
  await expect(row.getByTestId("current-input")).toHaveText("$0.15");

  await row.getByRole("button", { name: "Change the price of gpt-4o-mini" }).click();
  const form = page.getByRole("form", { name: "Add a price" });
  await expect(form.getByLabel("Model")).toHaveValue("gpt-4o-mini");

  // Backdating is refused: calls since then were charged the old price.
  await form.getByLabel("Applies from").fill("2024-01-01T09:00");
  await form.getByLabel("Input (USD / 1M tokens)").fill("0.3");
  await form.getByLabel("Output (USD / 1M tokens)").fill("1.2");
  await form.getByRole("button", { name: "Add price" }).click();
  await expect(form.getByText("must be now or later")).toBeVisible();

  const next = new Date(Date.now() + 30 * 86_400_000);
  const local = new Date(next.getTime() - next.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await form.getByLabel("Applies from").fill(local);
  await form.getByRole("button", { name: "Add price" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Scheduled gpt-4o-mini at $0.30 in / $1.20 out per 1M tokens" })).toBeVisible();
  await expect(row.getByTestId("scheduled-price")).toContainText("$0.30 in · $1.20 out");
  await expect(row.getByTestId("current-input")).toHaveText("$0.15");
  await expect(row.getByTestId("current-output")).toHaveText("$0.60");

  const after = await runCost(request, raisedRunId);
  expect(after).toEqual(before);
  await new RunPage(page).open(raisedRunId);
  await new RunPage(page).selectStep("draft-quote");
  await expect(new RunPage(page).stepDetail.getByTestId("charge").nth(1)).toContainText(AT_SEED_PRICE);

  await shoot(browser, "/admin/prices", "admin-prices", async (shot) => {
    await expect(shot.locator('tr[data-model="gpt-4o-mini"]').getByTestId("scheduled-price")).toBeVisible();
  });
});
