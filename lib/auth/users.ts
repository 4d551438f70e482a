/** Console users: email + scrypt password hash + role; disabled users cannot sign in. */
import { createId } from "../data/ids";
import type { Role } from "../control/types";
import { conflict, invalidInput, notFound } from "../errors/app-error";
import type { AuthDb } from "./db";
import { hashPassword } from "./passwords";
import { parseRole } from "./roles";

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** A user as lists show it: never the password hash. */
export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabledAt: string | null;
  createdAt: string;
}

type UserRow = { id: string; email: string; name: string | null; role: string; disabledAt: Date | null; createdAt: Date };
const recordSelect = { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true } as const;

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: parseRole(row.role) ?? "viewer",
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Emails are compared case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface CreateUserInput {
  email: string;
  password: string;
  role: Role;
  name?: string | null;
}

export async function createUser(db: AuthDb, input: CreateUserInput): Promise<UserRecord> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw invalidInput(`email: "${input.email.slice(0, 100)}" is not an email address.`, [{ path: "email", message: "Not an email address" }]);
  }
  if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
    throw invalidInput(`password: must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters long.`, [
      { path: "password", message: `Must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters long` },
    ]);
  }
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await db.prisma.user.create({
      data: { id: createId("usr"), email, name: input.name ?? null, passwordHash, role: input.role },
      select: recordSelect,
    });
    return toRecord(row);
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw conflict(`A user with the email "${email}" already exists; change that user's role instead.`);
    }
    throw error;
  }
}

export async function findUserByEmail(db: AuthDb, email: string): Promise<UserRecord | null> {
  const row = await db.prisma.user.findUnique({ where: { email: normalizeEmail(email) }, select: recordSelect });
  return row ? toRecord(row) : null;
}

/** The user with the password hash, for sign-in only. */
export async function findUserCredentials(
  db: AuthDb,
  email: string,
): Promise<(UserRecord & { passwordHash: string }) | null> {
  const row = await db.prisma.user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { ...recordSelect, passwordHash: true },
  });
  return row ? { ...toRecord(row), passwordHash: row.passwordHash } : null;
}

export async function getUser(db: AuthDb, userId: string): Promise<UserRecord> {
  const row = await db.prisma.user.findUnique({ where: { id: userId }, select: recordSelect });
  if (!row) throw notFound("User", userId);
  return toRecord(row);
}

/** Every user, oldest first. */
export async function listUsers(db: AuthDb): Promise<UserRecord[]> {
  const rows = await db.prisma.user.findMany({ select: recordSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(toRecord);
}

/** Refuses a change that would leave no enabled admin, which would lock everyone out of the admin page. */
async function assertAnotherAdminRemains(db: AuthDb, userId: string, change: string) {
  const others = await db.prisma.user.count({ where: { role: "admin", disabledAt: null, id: { not: userId } } });
  if (others === 0) {
    throw conflict(`Cannot ${change}: it is the last enabled admin. Make another user admin first.`);
  }
}

export async function setUserRole(db: AuthDb, userId: string, role: Role): Promise<UserRecord> {
  const user = await getUser(db, userId);
  if (user.role === role) return user;
  if (user.role === "admin" && !user.disabledAt) await assertAnotherAdminRemains(db, userId, `change the role of ${user.email}`);
  // Sessions read the role on every request, so the change applies to signed-in users at once.
  const row = await db.prisma.user.update({ where: { id: userId }, data: { role }, select: recordSelect });
  return toRecord(row);
}

/** Disables a user and ends all their sessions. */
export async function disableUser(db: AuthDb, userId: string): Promise<UserRecord> {
  const user = await getUser(db, userId);
  if (user.disabledAt) return user;
  if (user.role === "admin") await assertAnotherAdminRemains(db, userId, `disable ${user.email}`);
  const [row] = await db.prisma.$transaction([
    db.prisma.user.update({ where: { id: userId }, data: { disabledAt: new Date() }, select: recordSelect }),
    db.prisma.session.deleteMany({ where: { userId } }),
  ]);
  return toRecord(row);
}

/** Sets a new password (an admin's reset) and ends the user's sessions, so old sign-ins stop working. */
export async function setUserPassword(db: AuthDb, userId: string, password: string): Promise<UserRecord> {
  await getUser(db, userId);
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw invalidInput(`password: must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters long.`, [
      { path: "password", message: `Must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters long` },
    ]);
  }
  const passwordHash = await hashPassword(password);
  const [row] = await db.prisma.$transaction([
    db.prisma.user.update({ where: { id: userId }, data: { passwordHash }, select: recordSelect }),
    db.prisma.session.deleteMany({ where: { userId } }),
  ]);
  return toRecord(row);
}

export async function enableUser(db: AuthDb, userId: string): Promise<UserRecord> {
  const user = await getUser(db, userId);
  if (!user.disabledAt) return user;
  const row = await db.prisma.user.update({ where: { id: userId }, data: { disabledAt: null }, select: recordSelect });
  return toRecord(row);
}
