/**
 * The price table's handlers, built from an `apiHandler` and a Control so tests can drive them
 * with their own (route.ts binds them to the process's). Read: viewer; write: admin with an API key.
 */
import { modelPriceBody } from "../../../../../lib/control/prices";
import type { Control } from "../../../../../lib/control/types";
import { json, type createApiHandler } from "../../../../../lib/http/api-handler";

type ApiHandler = ReturnType<typeof createApiHandler>;

export function priceRoutes(apiHandler: ApiHandler, control: () => Promise<Control>) {
  return {
    list: apiHandler({ auth: "read" }, async ({ actor }) => json(await (await control()).listPrices(actor))),
    add: apiHandler({ auth: "write", minRole: "admin", body: modelPriceBody }, async ({ actor, body }) =>
      json({ model: await (await control()).addPrice(body, actor) }, 201),
    ),
  };
}
