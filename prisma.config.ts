// Prisma CLI configuration. Only `prisma generate` runs here (see lib/cli/prisma-generate.ts);
// migrations are applied by lib/data/migrate.ts because the schema engine cannot be downloaded.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
