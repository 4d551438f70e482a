/**
 * API keys for the HTTP API. The key is shown once at creation; the database keeps only its
 * sha256 and the first 8 characters (to tell keys apart in lists).
 */
import { createId } from "../data/ids";
import type { Actor, Role } from "../control/types";
import { notFound } from "../errors/app-error";
import type { AuthDb } from "./db";
import { parseRole } from "./roles";
import { randomToken, sha256Hex } from "./tokens";

export const API_KEY_PREFIX = "wm_";
const PREFIX_LENGTH = 8;
/** last_used_at is written at most this often per key, so authenticated reads stay read-only. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** Longer bearer values are refused without a lookup. */
const MAX_KEY_LENGTH = 512;

/** An API key as lists and the admin page show it: never the key nor its hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** First 8 characters of the key */
  prefix: string;
  role: Role;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  role: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const recordSelect = {
  id: true,
  name: true,
  prefix: true,
  role: true,
  createdBy: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: parseRole(row.role) ?? "viewer",
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export interface CreateApiKeyInput {
  name: string;
  role: Role;
  /** Actor reference of the creator ("user:<id>", "apikey:<id>", "system") */
  createdBy?: string | null;
  /**
   * Store this key instead of generating one (the bootstrap key from WAYMARK_ADMIN_API_KEY).
   * @defaultValue a new `wm_` + 32 random bytes
   */
  key?: string;
}

/** Creates a key. `key` is the plaintext, to show once; only its hash is stored. */
export async function createApiKey(
  db: AuthDb,
  input: CreateApiKeyInput,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = input.key ?? `${API_KEY_PREFIX}${randomToken()}`;
  const row = await db.prisma.apiKey.create({
    data: {
      id: createId("key"),
      name: input.name,
      prefix: key.slice(0, PREFIX_LENGTH),
      keyHash: sha256Hex(key),
      role: input.role,
      createdBy: input.createdBy ?? null,
    },
    select: recordSelect,
  });
  return { key, record: toRecord(row) };
}

/**
 * The actor for a bearer key, or null when the key is unknown or revoked. No cache: a revoked
 * key stops working on its next request.
 */
export async function verifyApiKey(db: AuthDb, key: string, now: Date = new Date()): Promise<Actor | null> {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
  const row = await db.prisma.apiKey.findUnique({
    where: { keyHash: sha256Hex(key) },
    select: { id: true, name: true, role: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt) return null;
  const role = parseRole(row.role);
  if (!role) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests with the same key write once.
    await db.prisma.apiKey.updateMany({
      where: {
        id: row.id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }],
      },
      data: { lastUsedAt: now },
    });
  }
  return { kind: "apikey", id: row.id, label: row.name, role };
}

/** Revokes a key (idempotent: revoking a revoked key keeps its first revocation time). */
export async function revokeApiKey(db: AuthDb, id: string): Promise<ApiKeyRecord> {
  await db.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  const row = await db.prisma.apiKey.findUnique({ where: { id }, select: recordSelect });
  if (!row) throw notFound("API key", id);
  return toRecord(row);
}

/** Every key, newest first, without hashes. */
export async function listApiKeys(db: AuthDb): Promise<ApiKeyRecord[]> {
  const rows = await db.prisma.apiKey.findMany({ select: recordSelect, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  return rows.map(toRecord);
}

/** The key record whose hash matches `key`, if any (used by the bootstrap to stay idempotent). */
export async function findApiKeyByKey(db: AuthDb, key: string): Promise<ApiKeyRecord | null> {
  const row = await db.prisma.apiKey.findUnique({ where: { keyHash: sha256Hex(key) }, select: recordSelect });
  return row ? toRecord(row) : null;
}
