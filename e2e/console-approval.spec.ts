/**
 * Issue 3's proof, the approval path: sign in, start the freight workflow from its generated
 * form, watch the run reach the approval live, decide in the inbox, and see the decision, the
 * approver and the comment on the run's timeline. Plus the reject path and a second decision.
 */
import { expect, test } from "@playwright/test";
import {
  admin,
  ApprovalsPage,
  bearer,
  bigShipment,
  pendingApprovalOf,
  RunPage,
  signedInPage,
  unique,
  WorkflowPage,
} from "./pages/console";

test("approve: the run waits, the inbox shows it, the decision resumes it and shows on the timeline", async ({ browser }) => {
  const customer = `Approve Co ${unique()}`;
  const comment = `Margin checked, ok to send (${unique()})`;
  const page = await signedInPage(browser);

  const workflow = new WorkflowPage(page);
  await workflow.open("freight-quote");
  const runId = await workflow.startFreightRun(bigShipment(customer));

  // The run page follows the run live: no reload from here on.
  await page.evaluate(() => ((window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true));
  const run = new RunPage(page);
  await run.expectStepStatus("fetch-rates", "succeeded");
  await run.expectStepStatus("draft-quote", "succeeded");
  await run.expectStepStatus("approve-quote", "waiting");
  await run.expectRunStatus("waiting");
  await expect(run.stepRow("draft-quote")).toContainText("gpt-4o-mini");

  // The approval appears in the inbox, with its context; approve it with a comment.
  const inboxPage = await page.context().newPage();
  const inbox = new ApprovalsPage(inboxPage);
  await inbox.open();
  const card = inbox.pendingCard(customer);
  await expect(card).toBeVisible();
  await expect(card).toContainText("waiting");
  await expect(card.getByRole("group", { name: /^Data for/ })).toContainText("quoteUsd");
  await expect(card.getByRole("region", { name: "Run so far" })).toContainText("draft-quote");
  await inbox.decide(customer, "Approve", comment);

  await expect(inboxPage.getByRole("status").filter({ hasText: "Approved" })).toContainText(runId);
  await expect(inbox.pendingCard(customer)).toHaveCount(0);
  const history = inbox.historyRow(customer);
  await expect(history).toContainText("approved");
  await expect(history).toContainText(admin.email);
  await expect(history).toContainText(comment);

  // Back on the run page, without a reload: the run resumed and succeeded.
  await run.expectRunStatus("succeeded");
  await run.expectStepStatus("send-email", "succeeded");
  const decision = run.stepRow("approve-quote");
  await expect(decision).toHaveAttribute("data-status", "approved");
  await expect(decision).toContainText(`approved by ${admin.email}`);
  await expect(decision).toContainText(comment);
  await run.selectStep("approve-quote");
  await expect(run.stepDetail).toContainText(admin.email);
  await expect(run.stepDetail).toContainText(comment);
  expect(await page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload)).toBe(true);
});

test("reject: the run ends without sending, and the timeline shows who rejected it and why", async ({ browser }) => {
  const customer = `Reject Co ${unique()}`;
  const comment = "Price too high for this lane";
  const page = await signedInPage(browser);
  const workflow = new WorkflowPage(page);
  await workflow.open("freight-quote");
  const runId = await workflow.startFreightRun(bigShipment(customer));
  const run = new RunPage(page);
  await run.expectStepStatus("approve-quote", "waiting");

  const inboxPage = await page.context().newPage();
  const inbox = new ApprovalsPage(inboxPage);
  await inbox.open();
  await inbox.decide(customer, "Reject", comment);
  await expect(inbox.historyRow(customer)).toContainText("rejected");
  await expect(inbox.historyRow(customer)).toContainText(comment);

  await run.expectRunStatus("succeeded");
  await expect(run.stepRow("approve-quote")).toHaveAttribute("data-status", "rejected");
  await expect(run.stepRow("approve-quote")).toContainText(`rejected by ${admin.email}`);
  await expect(run.stepRow("approve-quote")).toContainText(comment);
  await expect(run.stepRow("send-email")).toHaveCount(0);
  await expect(page.getByRole("group", { name: "Run output" })).toContainText('"rejected"');
  expect(runId).toMatch(/^run_/);
});

test("a second decision on a decided approval says who decided and when", async ({ browser, request }) => {
  const customer = `Twice Co ${unique()}`;
  const first = await signedInPage(browser);
  const workflow = new WorkflowPage(first);
  await workflow.open("freight-quote");
  const runId = await workflow.startFreightRun(bigShipment(customer));
  const approval = await pendingApprovalOf(request, runId);

  // A second tab still shows the request (its polling is held back, as on a slow connection).
  const second = await signedInPage(browser);
  const stale = new ApprovalsPage(second);
  await stale.open();
  await expect(stale.pendingCard(customer)).toBeVisible();
  await second.route("**/api/v1/approvals**", (route) => route.abort());

  const inbox = new ApprovalsPage(first);
  await inbox.open();
  await inbox.decide(customer, "Approve", "first");
  await expect(inbox.historyRow(customer)).toContainText("approved");

  await stale.decide(customer, "Reject", "second");
  const refusal = stale.pendingCard(customer).getByRole("alert");
  await expect(refusal).toContainText(`already approved by ${admin.email} at `);

  // The API says the same to a client.
  const response = await request.post(`/api/v1/approvals/${approval.id}/decision`, {
    headers: bearer(admin.apiKey),
    data: { decision: "reject" },
  });
  expect(response.status()).toBe(409);
  const body = (await response.json()) as { error: string; message: string };
  expect(body.message).toMatch(new RegExp(`already approved by ${admin.email.replace(".", "\\.")} at \\d{4}-\\d{2}-\\d{2}T`));
});
