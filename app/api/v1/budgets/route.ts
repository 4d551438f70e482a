// GET /api/v1/budgets — {policies}: each workflow day/month and global daily budget with its current period's usage (viewer).
// POST — {scope, workflow?, limitUsd?, limitTokens?, onExceed?, alertThresholds?} → 201 {policy} (admin; 409 if it exists).
import { routes } from "./routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = routes.list;
export const POST = routes.create;
