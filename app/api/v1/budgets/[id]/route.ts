// PATCH /api/v1/budgets/{id} — {limitUsd?, limitTokens?, onExceed?, alertThresholds?} → {policy}; the current period's ledger follows (admin).
// DELETE — removes the budget (admin). Ids: global-day, workflow-day:<workflow>, workflow-month:<workflow>.
import { routes } from "../routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const PATCH = routes.update;
export const DELETE = routes.remove;
