/**
 * Costs in Chromium against the real server: demo runs spend on two models, and the dashboard
 * shows that spend by model with the same figures as GET /api/v1/usage; grouping and range live in
 * the URL; a range without calls says so; bad API parameters are a 400. Screenshots at 1440 and
 * 390 wide, light and dark, into test-results/screenshots/.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { UsageReport } from "../lib/data/usage-queries";
import { formatUsd } from "../app/_ui/format";
import { admin, baseURL, bearer, LoginPage, signedInPage, startFreightRunByApi, unique } from "./pages/console";

const OUT = "test-results/screenshots";

async function usage(request: APIRequestContext, query: string): Promise<UsageReport> {
  const response = await request.get(`/api/v1/usage?${query}`, { headers: bearer(admin.apiKey) });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as UsageReport;
}

async function waitUntilEnded(request: APIRequestContext, runId: string) {
  await expect
    .poll(async () => {
      const response = await request.get(`/api/v1/runs/${runId}`, { headers: bearer(admin.apiKey) });
      return ((await response.json()) as { run: { status: string } }).run.status;
    }, { message: `run ${runId} ends`, timeout: 60_000 })
    .toMatch(/^(succeeded|failed|waiting)$/);
}

test("the dashboard shows the demo spend by model, with the usage API's figures", async ({ browser, request }) => {
  test.setTimeout(180_000);
  // Demo runs: a freight quote (gpt-4o-mini) and a bug ticket (gpt-4o-mini, then claude-sonnet-4-6).
  const freight = await startFreightRunByApi(request, { customer: `Costs Co ${unique()}`, email: "ops@example.com", lane: "Hamburg → Newark", weightKg: 120 });
  const ticket = await request.post("/api/v1/runs", {
    headers: bearer(admin.apiKey),
    data: { workflow: "support-triage", input: { ticketId: `T-${unique()}`, customer: "Costs Co", subject: "Crash on login", body: "The app crashes with an error." } },
  });
  expect(ticket.status(), await ticket.text()).toBe(201);
  const triage = ((await ticket.json()) as { run: { id: string } }).run.id;
  await waitUntilEnded(request, freight);
  await waitUntilEnded(request, triage);
  // A second quote repeats the first one's system prompt: the demo provider reads it from its prompt cache.
  const repeat = await startFreightRunByApi(request, { customer: `Costs Co ${unique()}`, email: "ops@example.com", lane: "Hamburg → Newark", weightKg: 80 });
  await waitUntilEnded(request, repeat);

  const api = await usage(request, "range=24h&groupBy=model");
  const models = api.rows.map((row) => row.key);
  expect(models).toEqual(expect.arrayContaining(["gpt-4o-mini", "claude-sonnet-4-6"]));
  for (const row of api.rows) expect(row.costUsd, row.key).toBeGreaterThan(0);
  expect(api.rows.find((row) => row.key === "gpt-4o-mini")!.cachedInputTokens).toBeGreaterThan(0);

  const page = await signedInPage(browser);
  await page.getByRole("link", { name: "Costs" }).click();
  await expect(page).toHaveURL(/\/costs/);
  await expect(page.getByRole("heading", { name: "Costs", level: 1 })).toBeVisible();
  const table = page.getByTestId("spend-by-group");
  // Each model's cost and the total equal the API's (other specs' runs may still be spending: compare fresh pairs).
  await expect(async () => {
    const fresh = await usage(request, "range=24h&groupBy=model");
    for (const model of ["gpt-4o-mini", "claude-sonnet-4-6"]) {
      const row = fresh.rows.find((r) => r.key === model)!;
      await expect(table.locator(`tr[data-group="${model}"] td`).nth(1)).toHaveText(formatUsd(row.costUsd), { timeout: 1_000 });
    }
    await expect(page.getByTestId("total-cost")).toContainText(formatUsd(fresh.totals.costUsd), { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("img", { name: /LLM cost per (minute|hour), stacked by model/ })).toBeVisible();
  // Cached input tokens: in the tokens tile, as a series of the tokens chart, and per model.
  await expect(page.getByTestId("total-tokens")).toContainText(/[\d,]+ cached/);
  await expect(page.getByRole("img", { name: /Cached input, uncached input and output tokens per/ }).getByText("Cached input", { exact: true })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Cached" })).toBeVisible();

  // The costliest runs link to their run pages.
  const topRuns = page.getByTestId("top-runs");
  await expect(topRuns.getByRole("link", { name: triage })).toHaveAttribute("href", `/runs/${triage}`);

  // Grouping and range are in the URL.
  await page.getByRole("group", { name: "Group by" }).getByRole("link", { name: "Workflow" }).click();
  await expect(page).toHaveURL(/groupBy=workflow/);
  await expect(table.locator('tr[data-group="support-triage"]')).toBeVisible();
  await expect(table.locator('tr[data-group="freight-quote"]')).toBeVisible();
  await page.getByRole("group", { name: "Time range" }).getByRole("link", { name: "1h" }).click();
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.getByRole("img", { name: /^LLM cost per minute, stacked by workflow/ })).toBeVisible();

  // A range without calls says so.
  await page.goto("/costs?from=2001-01-01T00:00:00.000Z&to=2001-01-02T00:00:00.000Z");
  await expect(page.getByText("No LLM calls in this range")).toBeVisible();

  // Bad parameters: 400 with what to fix.
  const bad = await request.get("/api/v1/usage?groupBy=team", { headers: bearer(admin.apiKey) });
  expect(bad.status()).toBe(400);
  expect(await bad.json()).toMatchObject({ error: "invalid_input", message: expect.stringContaining("groupBy"), requestId: expect.any(String) });

  for (const colorScheme of ["light", "dark"] as const) {
    for (const width of [1440, 390]) {
      const context = await browser.newContext({ baseURL, viewport: { width, height: 900 }, colorScheme });
      const shot = await context.newPage();
      await new LoginPage(shot).signIn(admin.email, admin.password, "/costs?range=24h&groupBy=model");
      await expect(shot.getByTestId("spend-by-group")).toBeVisible();
      await expect(shot.locator(".recharts-bar-rectangle").first()).toBeVisible();
      await shot.screenshot({ path: `${OUT}/costs-${width}-${colorScheme}.png`, fullPage: true });
      await context.close();
    }
  }
});
