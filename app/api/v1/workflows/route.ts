// GET /api/v1/workflows — definitions with their versions, each with its input as JSON Schema.
import { getControl } from "../../../../lib/control";
import { apiHandler, json } from "../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read" }, async ({ actor }) => {
  const workflows = await (await getControl()).listWorkflows(actor);
  return json({ workflows });
});
