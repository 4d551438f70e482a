// GET /api/v1/budgets/alert-endpoint — {endpoint} (admin; never the secret, the URL by origin).
// PUT — {url?, enabled?, rotateSecret?} → {endpoint, secret}: the Standard Webhooks signing secret, shown once. DELETE — removes it.
import { routes } from "../routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = routes.getAlertEndpoint;
export const PUT = routes.saveAlertEndpoint;
export const DELETE = routes.deleteAlertEndpoint;
