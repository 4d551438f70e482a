/**
 * LLM output is data, never markup: a completion that echoes `<img onerror>` and `<script>`
 * shows as text on the run page, and no script runs. The demo provider echoes the last user
 * message verbatim when it contains [[demo:echo]]; freight-quote puts `notes` into that message.
 */
import { expect, test } from "@playwright/test";
import { RunPage, signedInPage, unique, WorkflowPage } from "./pages/console";

const PAYLOAD = `[[demo:echo]] <img src=x onerror="window.__xss=1"><script>window.__xss=1</script>`;

test("LLM output with <img onerror> and <script> renders as text and runs nothing", async ({ browser }) => {
  const page = await signedInPage(browser);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  const workflow = new WorkflowPage(page);
  await workflow.open("freight-quote");
  // A small shipment: the quote stays under the approval threshold, so the run finishes on its own.
  await workflow.startFreightRun({ customer: `Markup Co ${unique()}`, email: "ops@example.com", lane: "Oslo → Boston", weightKg: 80, notes: PAYLOAD });

  const run = new RunPage(page);
  await run.expectRunStatus("succeeded");
  await run.selectStep("draft-quote");
  const completion = run.stepDetail.getByRole("region", { name: "Completion" });
  await expect(completion).toContainText('<img src=x onerror="window.__xss=1">');
  await expect(completion).toContainText("<script>window.__xss=1</script>");
  await expect(completion.getByText('<img src=x onerror="window.__xss=1">', { exact: false })).toBeVisible();

  // The same text in the JSON viewers (run input, step output) is text too.
  await expect(page.getByRole("group", { name: "Run input" })).toContainText("<script>window.__xss=1</script>");

  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => [...document.querySelectorAll("script")].some((s) => s.textContent === "window.__xss=1"))).toBe(false);
  expect(dialogs).toEqual([]);
});
