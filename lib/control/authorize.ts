import { AppError } from "../errors/app-error";
import type { Actor, Role } from "./types";

const rank: Record<Role, number> = { viewer: 0, operator: 1, approver: 2, admin: 3 };

/** Roles are ordered: viewer < operator < approver < admin. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

/** Throws 403 unless the actor holds at least `minimum`. Called by every use case, not only by routes. */
export function assertRole(actor: Actor, minimum: Role, action: string): void {
  if (!roleAtLeast(actor.role, minimum)) {
    throw new AppError(
      "forbidden",
      403,
      `${actor.label} has role "${actor.role}"; ${action} needs the "${minimum}" role or higher.`,
    );
  }
}

/** The actor string stored in audit rows and `requested_by`. */
export function actorRef(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}

export const systemActor: Actor = { kind: "system", id: "waymark", label: "Waymark", role: "admin" };
