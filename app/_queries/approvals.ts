/** React Query factories for the approvals inbox and the nav badge. */
import { queryOptions } from "@tanstack/react-query";
import type { ApprovalView } from "../../lib/data/views";
import { fetchJson } from "./fetch-json";

export interface ApprovalsResponse {
  approvals: ApprovalView[];
}

/** `pending` for the inbox and the badge; `all` for the decided history. */
export function approvalsQuery(scope: "pending" | "all") {
  return queryOptions({
    queryKey: ["approvals", scope] as const,
    queryFn: ({ signal }) =>
      fetchJson<ApprovalsResponse>(scope === "pending" ? "/api/v1/approvals?status=pending" : "/api/v1/approvals", signal),
  });
}

/**
 * The nav badge's count. Its own key (not the inbox's): the shell renders before a page's
 * HydrationBoundary, and sharing the inbox key would leave the inbox an empty pending query on
 * the server and a hydration mismatch in the browser.
 */
export function pendingCountQuery() {
  return queryOptions({
    queryKey: ["approvals", "pending-count"] as const,
    queryFn: async ({ signal }) =>
      (await fetchJson<ApprovalsResponse>("/api/v1/approvals?status=pending", signal)).approvals.length,
  });
}
