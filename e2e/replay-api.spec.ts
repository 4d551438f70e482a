/**
 * Issue 4 over HTTP, against the real server: replay = fork with preview, Idempotency-Key, 409,
 * 400 naming the field, lineage, bulk replay preview, the compatibility check and the versions
 * in flight. A freight run whose shipment no carrier can take fails; its fork from
 * "lookup-capacity" with a smaller weight succeeds.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { admin, bearer, bigShipment, unique } from "./pages/console";

const headers = bearer(admin.apiKey);

async function startFreight(request: APIRequestContext, weightKg: number, customer = `Replay ${unique()}`) {
  const input = { customer, email: "ops@example.com", lane: "Rotterdam → Chicago", weightKg };
  const response = await request.post("/api/v1/runs", { headers, data: { workflow: "freight-quote", input } });
  expect(response.status(), await response.text()).toBe(201);
  return { id: ((await response.json()) as { run: { id: string } }).run.id, input };
}

async function waitForStatus(request: APIRequestContext, runId: string, status: string) {
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/runs/${runId}`, { headers })).json()) as { run: { status: string } }).run.status, {
      message: `run ${runId} becomes ${status}`,
      timeout: 60_000,
    })
    .toBe(status);
}

test("replay over the API: preview, fork with edited input, idempotency, lineage, errors", async ({ request }) => {
  const startedAt = new Date(Date.now() - 1_000).toISOString();
  const source = await startFreight(request, 100_000);
  await waitForStatus(request, source.id, "failed");

  // Bulk preview: the run failed outside a step (no carrier had room), so bulk replay skips it and says why.
  const bulk = await request.post("/api/v1/replays/bulk/preview", { headers, data: { workflow: "freight-quote", version: 1, createdAfter: startedAt } });
  expect(bulk.status(), await bulk.text()).toBe(200);
  const { preview: bulkPreview } = await bulk.json();
  expect(bulkPreview.skipped).toContainEqual({ runId: source.id, reason: expect.stringContaining("failed outside a step") });

  const body = { fromStep: "lookup-capacity", input: { ...source.input, weightKg: 800 } };
  const previewResponse = await request.post(`/api/v1/runs/${source.id}/replay/preview`, { headers, data: body });
  expect(previewResponse.status(), await previewResponse.text()).toBe(200);
  const { preview } = await previewResponse.json();
  // Steps the failed run recorded; "likely" ones (from a finished run of the version, when one exists) follow them.
  const recorded = preview.steps.filter((s: { action: string }) => s.action !== "likely");
  expect(recorded.map((s: { id: string; action: string }) => `${s.id}:${s.action}`)).toEqual(["fetch-rates:reuse", "lookup-capacity:rerun"]);
  expect(preview).toMatchObject({ inputChanged: true, versionChanged: false, totals: { reusedSteps: 1 } });

  const key = `replay-${unique()}`;
  const first = await request.post(`/api/v1/runs/${source.id}/replay`, { headers: { ...headers, "Idempotency-Key": key }, data: body });
  expect(first.status(), await first.text()).toBe(201);
  const { run: fork } = await first.json();
  expect(fork).toMatchObject({ forkedFromRunId: source.id, forkedAtStep: "lookup-capacity", input: body.input });
  expect(first.headers()["location"]).toBe(`/api/v1/runs/${fork.id}`);
  const repeat = await request.post(`/api/v1/runs/${source.id}/replay`, { headers: { ...headers, "Idempotency-Key": key }, data: body });
  expect(repeat.status()).toBe(200);
  expect((await repeat.json()).run.id).toBe(fork.id);

  await waitForStatus(request, fork.id, "succeeded");
  const lineage = await (await request.get(`/api/v1/runs/${source.id}/lineage`, { headers })).json();
  expect(lineage.lineage.forks).toContainEqual(expect.objectContaining({ id: fork.id, forkedAtStep: "lookup-capacity", status: "succeeded" }));

  const invalid = await request.post(`/api/v1/runs/${source.id}/replay`, { headers, data: { ...body, input: { ...source.input, weightKg: -5 } } });
  expect(invalid.status()).toBe(400);
  expect((await invalid.json()).issues).toContainEqual(expect.objectContaining({ path: "input.weightKg" }));
  const unknownStep = await request.post(`/api/v1/runs/${source.id}/replay`, { headers, data: { fromStep: "no-such-step" } });
  expect(unknownStep.status()).toBe(400);
  expect((await unknownStep.json()).message).toContain('has no step "no-such-step"');
});

test("a run still going gets 409; versions show it in flight; the compatibility check finds nothing broken", async ({ request }) => {
  const waiting = await startFreight(request, bigShipment("x").weightKg);
  await waitForStatus(request, waiting.id, "waiting");
  const refused = await request.post(`/api/v1/runs/${waiting.id}/replay`, { headers, data: { fromStep: "fetch-rates" } });
  expect(refused.status()).toBe(409);
  expect(await refused.json()).toMatchObject({ error: "conflict", message: expect.stringContaining("is waiting; only ended runs") });

  const versions = await (await request.get("/api/v1/versions?workflow=freight-quote", { headers })).json();
  const v1 = versions.versions.find((v: { version: number }) => v.version === 1);
  expect(v1.inFlight.waiting).toBeGreaterThanOrEqual(1);

  const compat = await request.get("/api/v1/compat?workflow=freight-quote", { headers });
  expect(compat.status()).toBe(200);
  const { report } = await compat.json();
  expect(report.checkedRuns).toBeGreaterThanOrEqual(1);
  expect(report.broken).toEqual([]);

  const cancel = await request.post(`/api/v1/runs/${waiting.id}/cancel`, { headers });
  expect(cancel.status()).toBe(200);
});
