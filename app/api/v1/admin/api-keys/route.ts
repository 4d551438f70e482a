// GET /api/v1/admin/api-keys — {apiKeys} (never a key or its hash).
// POST /api/v1/admin/api-keys — {name, role} → 201 {apiKey, key}; `key` is shown this once.
import { adminCreateApiKey, adminListApiKeys } from "../../../../../lib/auth/admin";
import { getDb } from "../../../../../lib/control";
import { apiHandler, json } from "../../../../../lib/http";
import { createApiKeyBody } from "../../../../../lib/http/api-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", minRole: "admin" }, async ({ actor }) => {
  return json({ apiKeys: await adminListApiKeys(await getDb(), actor) });
});

export const POST = apiHandler({ auth: "write", minRole: "admin", body: createApiKeyBody }, async ({ actor, body }) => {
  const { key, record } = await adminCreateApiKey(await getDb(), actor, body);
  return json({ apiKey: record, key }, 201);
});
