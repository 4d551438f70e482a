/**
 * lib/http: the route-handler wrapper, bound to this process's database and configuration.
 * Route handlers import `apiHandler`, `json` and `pathId` from here.
 */
import { verifyApiKey } from "../auth/api-keys";
import { getSessionActor, sessionOptionsFromConfig } from "../auth/sessions";
import { getConfig } from "../config/env";
import { getDb } from "../control";
import { createLogger } from "../log/logger";
import { createApiHandler } from "./api-handler";

export const apiHandler = createApiHandler({
  authenticateApiKey: async (key) => verifyApiKey(await getDb(), key),
  authenticateSession: async (token) => getSessionActor(await getDb(), token, sessionOptionsFromConfig(getConfig())),
  publicUrl: () => getConfig().WAYMARK_PUBLIC_URL,
  logger: createLogger({ name: "api", level: getConfig().WAYMARK_LOG_LEVEL }),
});

export { createApiHandler, json, methodNotAllowed } from "./api-handler";
export type { ApiHandlerDeps, ApiHandlerOptions, ApiRequestContext, AuthMode, RouteContext, RouteHandler } from "./api-handler";
export { errorResponse } from "./error-response";
export { DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH, readBodyBytes, readJsonBody } from "./json-body";
export { checkedId, commaList, idProblem, invalidId, MAX_ID_LENGTH, pathId, parseWith, searchParamsObject } from "./params";
export { assertSameOrigin, clientIpFor, requestIdFor } from "./request-meta";
