/**
 * Roles and sign-in: a viewer sees the inbox but cannot decide (no buttons; a direct POST gets
 * 403), and a signed-out visitor is sent to the login page or gets 401 from the API.
 */
import { expect, test } from "@playwright/test";
import { admin, ApprovalsPage, baseURL, bearer, bigShipment, LoginPage, pendingApprovalOf, startFreightRunByApi, unique } from "./pages/console";

test("a viewer sees the inbox without Approve/Reject, and a direct POST of a decision gets 403", async ({ browser, request }) => {
  const suffix = unique();
  const viewer = { email: `viewer-${suffix}@e2e.test`, password: `viewer-pass-${suffix}` };
  const created = await request.post("/api/v1/admin/users", { headers: bearer(admin.apiKey), data: { ...viewer, role: "viewer" } });
  expect(created.status(), await created.text()).toBe(201);
  const keyResponse = await request.post("/api/v1/admin/api-keys", { headers: bearer(admin.apiKey), data: { name: `viewer ${suffix}`, role: "viewer" } });
  expect(keyResponse.status()).toBe(201);
  const viewerKey = ((await keyResponse.json()) as { key: string }).key;

  const customer = `Viewer Co ${suffix}`;
  const runId = await startFreightRunByApi(request, bigShipment(customer));
  const approval = await pendingApprovalOf(request, runId);

  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new LoginPage(page).signIn(viewer.email, viewer.password, "/approvals");
  await expect(page).toHaveURL(/\/approvals$/);
  const inbox = new ApprovalsPage(page);
  const card = inbox.pendingCard(customer);
  await expect(card).toBeVisible();
  await expect(card).toContainText("Read-only");
  await expect(card.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(card.getByRole("button", { name: "Reject" })).toHaveCount(0);
  await expect(page.getByText("Deciding needs the approver role")).toBeVisible();

  // Straight to the API with the viewer's own key: refused with 403, and nothing changed.
  const post = await request.post(`/api/v1/approvals/${approval.id}/decision`, { headers: bearer(viewerKey), data: { decision: "approve" } });
  expect(post.status()).toBe(403);
  expect(((await post.json()) as { error: string }).error).toBe("forbidden");
  // The viewer's session cookie alone cannot write through the API either.
  const cookiePost = await page.request.post(`/api/v1/approvals/${approval.id}/decision`, { data: { decision: "approve" } });
  expect(cookiePost.status()).toBeGreaterThanOrEqual(401);
  expect(cookiePost.status()).toBeLessThanOrEqual(403);
  const still = await request.get("/api/v1/approvals?status=pending", { headers: bearer(admin.apiKey) });
  expect(((await still.json()) as { approvals: Array<{ id: string }> }).approvals.map((a) => a.id)).toContain(approval.id);

  // Nor can a viewer start or cancel runs from the console.
  await page.goto("/workflows/freight-quote");
  await expect(page.getByRole("button", { name: "Start run" })).toHaveCount(0);
  await page.goto(`/runs/${runId}`);
  await expect(page.locator("[data-run-status]")).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  await context.close();
});

test("signed out: every page redirects to the login, every API route answers 401", async ({ browser, request }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  for (const path of ["/", "/runs", "/runs/run_does_not_exist", "/workflows", "/workflows/freight-quote", "/approvals", "/audit", "/admin"]) {
    await page.goto(path);
    const url = new URL(page.url());
    expect(url.pathname, `signed-out ${path}`).toBe("/login");
    if (path !== "/") expect(url.searchParams.get("next")).toBe(path);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  }
  await context.close();

  const reads = ["/api/v1/runs", "/api/v1/runs/run_x", "/api/v1/approvals?status=pending", "/api/v1/workflows", "/api/v1/admin/users", "/api/v1/admin/api-keys"];
  for (const path of reads) {
    const response = await request.get(path);
    expect(response.status(), `GET ${path}`).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe("unauthorized");
  }
  const writes: Array<[string, unknown]> = [
    ["/api/v1/runs", { workflow: "freight-quote", input: {} }],
    ["/api/v1/runs/run_x/cancel", {}],
    ["/api/v1/approvals/apr_x/decision", { decision: "approve" }],
  ];
  for (const [path, data] of writes) {
    const response = await request.post(path, { data });
    expect(response.status(), `POST ${path}`).toBe(401);
  }
});

test("a wrong password shows the server's message; the right one signs in; Sign out signs out", async ({ browser }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/login?next=/runs");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("definitely-not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/runs$/);

  // Sign out ends the session: the console is closed again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/runs");
  await expect(page).toHaveURL(/\/login\?next=%2Fruns$/);
  await context.close();
});
