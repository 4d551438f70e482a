/**
 * Page objects for the console's end-to-end tests: each wraps what a person does on one page,
 * by role and accessible name, so the specs read like the proof in issue 3.
 */
import { expect, type APIRequestContext, type Browser, type Locator, type Page } from "@playwright/test";
import { processEnv } from "../../lib/config/env";

const env = processEnv();
export const baseURL = env.WAYMARK_E2E_BASE_URL ?? "http://127.0.0.1:3100";
export const admin = {
  email: env.WAYMARK_ADMIN_EMAIL ?? "admin@e2e.test",
  password: env.WAYMARK_ADMIN_PASSWORD ?? "e2e-admin-password",
  apiKey: env.WAYMARK_ADMIN_API_KEY ?? "",
};
export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** A short unique suffix, so specs that share one server never see each other's runs. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export class LoginPage {
  constructor(readonly page: Page) {}

  async signIn(email: string, password: string, next = "/") {
    await this.page.goto(next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`);
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
    await this.page.waitForURL((url) => !url.pathname.startsWith("/login"));
  }
}

/** A signed-in page in a fresh browser context. */
export async function signedInPage(browser: Browser, email = admin.email, password = admin.password): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new LoginPage(page).signIn(email, password);
  return page;
}

export interface FreightInput {
  customer: string;
  email: string;
  lane: string;
  weightKg: number;
  notes?: string;
}

/** A quote above $2,000 (needs approval): any demo lane at this weight. */
export const bigShipment = (customer: string): FreightInput => ({
  customer,
  email: "ops@example.com",
  lane: "Rotterdam → Chicago",
  weightKg: 5000,
});

export class WorkflowPage {
  constructor(readonly page: Page) {}

  async open(name: string) {
    await this.page.goto(`/workflows/${encodeURIComponent(name)}`);
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
  }

  get form(): Locator {
    return this.page.getByRole("form", { name: /^Start / });
  }

  /** Fills the generated Start run form and submits it; resolves on the new run's page with its id. */
  async startFreightRun(input: FreightInput): Promise<string> {
    await this.form.getByLabel("Customer").fill(input.customer);
    await this.form.getByLabel("Email").fill(input.email);
    await this.form.getByLabel("Lane").fill(input.lane);
    await this.form.getByLabel("Weight kg").fill(String(input.weightKg));
    if (input.notes !== undefined) await this.form.getByLabel("Notes").fill(input.notes);
    await this.form.getByRole("button", { name: "Start run" }).click();
    await this.page.waitForURL(/\/runs\/run_[A-Za-z0-9]+$/);
    return decodeURIComponent(new URL(this.page.url()).pathname.split("/").pop()!);
  }
}

export class RunPage {
  constructor(readonly page: Page) {}

  async open(runId: string) {
    await this.page.goto(`/runs/${encodeURIComponent(runId)}`);
  }

  /** The timeline row of a step (the step row, not its attempt rows). */
  stepRow(stepId: string): Locator {
    return this.page.locator(`li[data-step-id="${stepId}"][data-row-type="step"]`);
  }

  async expectStepStatus(stepId: string, status: string) {
    await expect(this.stepRow(stepId)).toHaveAttribute("data-status", status);
  }

  async expectRunStatus(status: string) {
    await expect(this.page.locator("[data-run-status]")).toHaveAttribute("data-run-status", status);
  }

  async selectStep(stepId: string) {
    await this.stepRow(stepId).getByRole("button").click();
    await expect(this.page.getByRole("complementary", { name: "Step detail" }).getByRole("heading", { name: stepId })).toBeVisible();
  }

  get stepDetail(): Locator {
    return this.page.getByRole("complementary", { name: "Step detail" });
  }
}

export class ApprovalsPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto("/approvals");
    await expect(this.page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
  }

  /** The pending card whose summary mentions `text` (e.g. the customer). */
  pendingCard(text: string): Locator {
    return this.page.locator("article[data-approval-id]").filter({ has: this.page.getByRole("heading", { name: new RegExp(escapeRegExp(text)) }) });
  }

  historyRow(text: string): Locator {
    return this.page.getByRole("table", { name: "Decided approvals" }).getByRole("row").filter({ hasText: text });
  }

  async decide(text: string, decision: "Approve" | "Reject", comment?: string) {
    const card = this.pendingCard(text);
    await expect(card).toBeVisible();
    if (comment !== undefined) await card.getByLabel("Comment").fill(comment);
    await card.getByRole("button", { name: decision, exact: true }).click();
  }
}

/** The id of the pending approval of a run, through the API. */
export async function pendingApprovalOf(request: APIRequestContext, runId: string): Promise<{ id: string; payloadHash: string }> {
  let found: { id: string; payloadHash: string } | undefined;
  await expect
    .poll(async () => {
      const response = await request.get("/api/v1/approvals?status=pending", { headers: bearer(admin.apiKey) });
      const { approvals } = (await response.json()) as { approvals: Array<{ id: string; runId: string; payloadHash: string }> };
      found = approvals.find((a) => a.runId === runId);
      return found !== undefined;
    }, { message: `run ${runId} asks for an approval`, timeout: 30_000 })
    .toBe(true);
  return found!;
}

/** Starts a freight run through the API (for specs whose subject is not the form). */
export async function startFreightRunByApi(request: APIRequestContext, input: FreightInput): Promise<string> {
  const response = await request.post("/api/v1/runs", { headers: bearer(admin.apiKey), data: { workflow: "freight-quote", input } });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { run: { id: string } }).run.id;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
