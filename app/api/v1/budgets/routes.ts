// The budget handlers bound to this process's apiHandler and Control (shared by the route files).
import { getControl } from "../../../../lib/control";
import { apiHandler } from "../../../../lib/http";
import { budgetRoutes } from "./handlers";

export const routes = budgetRoutes(apiHandler, getControl);
