/**
 * What lib/auth needs from the database: the Prisma client. Structural, so the process-wide
 * `Db` from `getDb()` and a test database both fit.
 */
import type { PrismaClient } from "../data/generated/prisma/client";

export interface AuthDb {
  prisma: PrismaClient;
}
