// GET /api/health — {status, postgres, redis}; 503 when a dependency is down. No authentication.
import { getControl } from "../../../lib/control";
import { AppError } from "../../../lib/errors/app-error";
import { apiHandler, json } from "../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "none" }, async ({ requestId }) => {
  let report;
  try {
    report = await (await getControl()).health();
  } catch (cause) {
    // Monitors expect 503 (not 500) whenever the service cannot vouch for its dependencies.
    throw Object.assign(
      new AppError("unavailable", 503, `Waymark could not check its dependencies; see the server log for request ${requestId}.`),
      { cause },
    );
  }
  return json(report, report.status === "ok" ? 200 : 503);
});
