/**
 * Screenshots of every console page at desktop (1440×900) and laptop (1280×720) sizes, light
 * and dark, into test-results/screenshots/ — for people to look at, not compared by the test.
 */
import { expect, test, type Page } from "@playwright/test";
import { admin, baseURL, bigShipment, LoginPage, pendingApprovalOf, startFreightRunByApi, unique } from "./pages/console";

const OUT = "test-results/screenshots";
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
];

test("screenshots of every page", async ({ browser, request }) => {
  test.setTimeout(240_000);
  // Something to show: a run waiting for approval, a finished one, a failed one.
  const waitingRun = await startFreightRunByApi(request, bigShipment(`Screenshot Co ${unique()}`));
  const finishedRun = await startFreightRunByApi(request, { customer: "Small Parcel Ltd", email: "ops@example.com", lane: "Hamburg → Newark", weightKg: 120 });
  const failedRun = await startFreightRunByApi(request, { customer: "Too Heavy Inc", email: "ops@example.com", lane: "Shanghai → Los Angeles", weightKg: 900_000 });
  await pendingApprovalOf(request, waitingRun);

  const pages: Array<[string, string]> = [
    ["overview", "/"],
    ["runs", "/runs"],
    ["run-waiting", `/runs/${waitingRun}`],
    ["run-finished", `/runs/${finishedRun}`],
    ["run-failed", `/runs/${failedRun}`],
    ["workflows", "/workflows"],
    ["workflow-freight-quote", "/workflows/freight-quote"],
    ["approvals", "/approvals"],
    ["audit", "/audit"],
    ["admin", "/admin"],
    ["admin-budgets", "/admin/budgets"],
    ["costs", "/costs"],
    ["admin-prices", "/admin/prices"],
    ["not-found", "/runs/run_does_not_exist"],
  ];

  for (const colorScheme of ["light", "dark"] as const) {
    for (const size of SIZES) {
      const context = await browser.newContext({ baseURL, viewport: size, colorScheme });
      const page = await context.newPage();
      const tag = `${size.width}x${size.height}-${colorScheme}`;
      await page.goto("/login");
      await page.screenshot({ path: `${OUT}/login-${tag}.png` });
      await new LoginPage(page).signIn(admin.email, admin.password);
      for (const [name, path] of pages) {
        await page.goto(path);
        await settle(page);
        await page.screenshot({ path: `${OUT}/${name}-${tag}.png` });
      }
      await context.close();
    }
  }
});

async function settle(page: Page) {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await expect(page.locator("main")).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}
