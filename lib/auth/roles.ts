/**
 * Role order for the console and the API. Dependency-free so client components, proxy.ts and
 * pure tests can import it.
 */
import { ROLES, type Actor, type Role } from "../control/types";

const RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 2, admin: 3 };

/** True when the actor's role is `minRole` or above (viewer < operator < approver < admin). */
export function hasRole(actor: Pick<Actor, "role"> | null | undefined, minRole: Role): boolean {
  return actor != null && RANK[actor.role] >= RANK[minRole];
}

/** Narrows a stored role string; unknown values (a hand-edited row) grant nothing. */
export function parseRole(value: string): Role | null {
  return (ROLES as readonly string[]).includes(value) ? (value as Role) : null;
}

/** How audit rows and `requestedBy` name an actor: "user:<id>", "apikey:<id>", … */
export function actorRef(actor: Pick<Actor, "kind" | "id">): string {
  return `${actor.kind}:${actor.id}`;
}
