import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "worker/**/*.test.ts", "app/**/*.test.ts", "bench/**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**"],
    // Integration tests start processes and wait on Postgres/Redis; each file has its own database.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
