/**
 * The budget API's handlers, built from an `apiHandler` and a Control so tests can drive them with
 * their own (route.ts files bind them to the process's). Reads: viewer (the alert endpoint: admin);
 * writes: admin with an API key. Bodies are zod-validated: a bad one is a 400 naming each field.
 */
import type { Control } from "../../../../lib/control/types";
import {
  alertEndpointBody,
  budgetPolicyCreateBody,
  budgetPolicyIdParam,
  budgetPolicyUpdateBody,
} from "../../../../lib/control/budget-policies-schemas";
import { AppError } from "../../../../lib/errors/app-error";
import { json, type createApiHandler } from "../../../../lib/http/api-handler";

type ApiHandler = ReturnType<typeof createApiHandler>;

/** The policy id from the path (`global-day`, `workflow-day:<workflow>`…); anything else cannot exist: 404. */
function policyIdFrom(value: string | string[] | undefined): string {
  const raw = typeof value === "string" ? value : "";
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // not percent-encoded: use it as it came
  }
  if (!budgetPolicyIdParam.safeParse(id).success) {
    throw new AppError(
      "not_found",
      404,
      `Budget "${id.slice(0, 80)}" was not found; budget ids are global-day, workflow-day:<workflow> or workflow-month:<workflow>.`,
    );
  }
  return id;
}

export function budgetRoutes(apiHandler: ApiHandler, control: () => Promise<Control>) {
  return {
    list: apiHandler({ auth: "read" }, async ({ actor }) => json({ policies: await (await control()).listBudgetPolicies(actor) })),
    create: apiHandler({ auth: "write", minRole: "admin", body: budgetPolicyCreateBody }, async ({ actor, body }) =>
      json({ policy: await (await control()).createBudgetPolicy(body, actor) }, 201),
    ),
    update: apiHandler({ auth: "write", minRole: "admin", body: budgetPolicyUpdateBody }, async ({ actor, body, params }) =>
      json({ policy: await (await control()).updateBudgetPolicy(policyIdFrom(params.id), body, actor) }),
    ),
    remove: apiHandler({ auth: "write", minRole: "admin" }, async ({ actor, params }) => {
      await (await control()).deleteBudgetPolicy(policyIdFrom(params.id), actor);
      return json({ deleted: true });
    }),
    getAlertEndpoint: apiHandler({ auth: "read", minRole: "admin" }, async ({ actor }) =>
      json({ endpoint: await (await control()).getAlertEndpoint(actor) }),
    ),
    saveAlertEndpoint: apiHandler({ auth: "write", minRole: "admin", body: alertEndpointBody }, async ({ actor, body }) =>
      json(await (await control()).saveAlertEndpoint(body, actor)),
    ),
    deleteAlertEndpoint: apiHandler({ auth: "write", minRole: "admin" }, async ({ actor }) => {
      await (await control()).deleteAlertEndpoint(actor);
      return json({ deleted: true });
    }),
  };
}
