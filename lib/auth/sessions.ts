/**
 * Server-side console sessions. The cookie carries a random token; the database keeps its sha256,
 * so a database leak yields no usable sessions and logout really ends the session.
 */
import { createId } from "../data/ids";
import type { Actor } from "../control/types";
import type { AuthDb } from "./db";
import { parseRole } from "./roles";
import { randomToken, sha256Hex } from "./tokens";

export interface SessionOptions {
  /** Absolute lifetime from sign-in. @defaultValue 12 h (WAYMARK_SESSION_TTL_MS) */
  ttlMs?: number;
  /** A session unused for this long ends. @defaultValue 2 h (WAYMARK_SESSION_IDLE_MS) */
  idleMs?: number;
  /** @defaultValue new Date() */
  now?: Date;
}

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const DEFAULT_SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so page loads and polling stay cheap. */
const LAST_SEEN_RESOLUTION_MS = 60_000;
const MAX_TOKEN_LENGTH = 256;

/**
 * Starts a session for a user. Every sign-in gets a new token (rotation: a token planted before
 * sign-in is never upgraded); the user's other sessions, on other devices, stay.
 */
export async function createSession(
  db: AuthDb,
  userId: string,
  options: SessionOptions = {},
): Promise<{ token: string; expiresAt: Date }> {
  const now = options.now ?? new Date();
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + (options.ttlMs ?? DEFAULT_SESSION_TTL_MS));
  await db.prisma.session.create({
    data: { id: createId("ses"), tokenHash: sha256Hex(token), userId, createdAt: now, lastSeenAt: now, expiresAt },
  });
  return { token, expiresAt };
}

/**
 * The signed-in user for a session token, or null when the token is unknown, expired (absolute or
 * idle; the row is deleted) or its user is disabled. Reads the user's current role every time.
 */
export async function getSessionActor(db: AuthDb, token: string, options: SessionOptions = {}): Promise<Actor | null> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const now = options.now ?? new Date();
  const session = await db.prisma.session.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: {
      id: true,
      expiresAt: true,
      lastSeenAt: true,
      user: { select: { id: true, email: true, role: true, disabledAt: true } },
    },
  });
  if (!session) return null;
  const idleMs = options.idleMs ?? DEFAULT_SESSION_IDLE_MS;
  const expired = now >= session.expiresAt || now.getTime() - session.lastSeenAt.getTime() >= idleMs;
  if (expired || session.user.disabledAt) {
    await db.prisma.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  const role = parseRole(session.user.role);
  if (!role) return null;
  if (now.getTime() - session.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    await db.prisma.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return { kind: "user", id: session.user.id, label: session.user.email, role };
}

/** Ends the session of this token (logout). Unknown tokens are ignored. */
export async function destroySession(db: AuthDb, token: string): Promise<void> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return;
  await db.prisma.session.deleteMany({ where: { tokenHash: sha256Hex(token) } });
}

/** Ends every session of a user (after a password change, when disabling). */
export async function destroyUserSessions(db: AuthDb, userId: string): Promise<number> {
  const { count } = await db.prisma.session.deleteMany({ where: { userId } });
  return count;
}

/** Deletes expired sessions; cheap housekeeping a periodic task may call. */
export async function deleteExpiredSessions(db: AuthDb, options: SessionOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  const idleCutoff = new Date(now.getTime() - (options.idleMs ?? DEFAULT_SESSION_IDLE_MS));
  const { count } = await db.prisma.session.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: idleCutoff } }] },
  });
  return count;
}

/** Session options from the process configuration. */
export function sessionOptionsFromConfig(config: { WAYMARK_SESSION_TTL_MS: number; WAYMARK_SESSION_IDLE_MS: number }): SessionOptions {
  return { ttlMs: config.WAYMARK_SESSION_TTL_MS, idleMs: config.WAYMARK_SESSION_IDLE_MS };
}
